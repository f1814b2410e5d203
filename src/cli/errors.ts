// Expected failures of a CLI command: printed as one line, exit code 1, no stack trace.
import { ConfigError } from '../config/types.js';
import { ListenError } from '../server/listen.js';
import { StoreError } from '../store/types.js';
import { CertificateError } from '../tls/certificate.js';

export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** Errors whose message is enough for the person at the terminal. */
export function isExpectedError(err: unknown): err is Error {
  return (
    err instanceof CliError ||
    err instanceof ConfigError ||
    err instanceof CertificateError ||
    err instanceof ListenError ||
    err instanceof StoreError
  );
}
