// The closed error hierarchy (DESIGN.md): what a thrown error becomes on the wire.
import { StoreError } from '../store/types.js';
import { ImapError } from './commands/types.js';
import { ParseError } from './wire/errors.js';
import { LineTooLongError } from './wire/reader.js';

export interface ErrorAnswer {
  readonly status: 'NO' | 'BAD';
  readonly code: string | null;
  readonly text: string;
  /** Not a client or store condition: log it with its stack. */
  readonly serverBug: boolean;
}

export function describeError(err: unknown): ErrorAnswer {
  if (err instanceof ImapError) return { status: err.status, code: err.code, text: err.message, serverBug: false };
  // RFC 5530 response codes, one per store condition.
  if (err instanceof StoreError) return { status: 'NO', code: err.code, text: err.message, serverBug: false };
  if (err instanceof ParseError) return { status: 'BAD', code: null, text: err.message, serverBug: false };
  if (err instanceof LineTooLongError) return { status: 'BAD', code: null, text: err.message, serverBug: false };
  return { status: 'NO', code: 'SERVERBUG', text: 'Internal server error', serverBug: true };
}
