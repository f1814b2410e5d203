// A scrypt hash at a low cost (N=2^10) for tests that log in often; verifyPassword reads the
// parameters from the hash, so the server accepts it.
import { randomBytes, scryptSync } from 'node:crypto';

export function cheapHash(password: string): string {
  const salt = randomBytes(16);
  return ['scrypt', 1024, 8, 1, salt.toString('base64'), scryptSync(password, salt, 32, { N: 1024, r: 8, p: 1 }).toString('base64')].join('$');
}
