// Login names: a conservative alphabet so a login is always an IMAP atom and a safe file/log token.
import { CliError } from './errors.js';

const LOGIN = /^[A-Za-z0-9._@+-]{1,64}$/;

export function checkLogin(login: string): string {
  if (!LOGIN.test(login)) {
    throw new CliError(`invalid login ${JSON.stringify(login)}: use 1 to 64 characters from A-Z a-z 0-9 . _ @ + -`);
  }
  return login;
}
