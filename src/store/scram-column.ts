// How both stores keep a ScramRecord in one text column: "SCRAM-SHA-256$i$salt$StoredKey$ServerKey"
// (the form src/auth/scram.ts encodes, and close to Dovecot's and PostgreSQL's own verifier text).
import type { ScramRecord } from './types.js';

export function encodeScramColumn(r: ScramRecord): string {
  return ['SCRAM-SHA-256', r.iterations, r.salt, r.storedKey, r.serverKey].join('$');
}

/** Null for NULL or for text this version cannot read (the account then logs in as if it had none). */
export function decodeScramColumn(text: string | null | undefined): ScramRecord | null {
  const f = (text ?? '').split('$');
  if (f.length !== 5 || f[0] !== 'SCRAM-SHA-256') return null;
  const [, i, salt = '', storedKey = '', serverKey = ''] = f;
  const iterations = Number(i);
  if (!Number.isInteger(iterations) || iterations < 1) return null;
  return { iterations, salt, storedKey, serverKey };
}
