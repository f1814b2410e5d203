// Password hashes: scrypt (node:crypto), stored as "scrypt$N$r$p$salt$hash" (base64), never the password.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// N=2^15, r=8, p=1: ~32 MiB and ~50 ms per hash on this class of machine (OWASP's scrypt minimum is
// N=2^17 with r=8,p=1 at 128 MiB; we take less memory because a mail server verifies on every login).
const DEFAULT = { N: 1 << 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize('NFC'), salt, KEY_LENGTH, { ...options, maxmem: 256 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, DEFAULT);
  return ['scrypt', DEFAULT.N, DEFAULT.r, DEFAULT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** False for a wrong password or a hash this code cannot read (never throws on bad input). */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  const fields = stored.split('$');
  if (fields.length !== 6 || fields[0] !== 'scrypt') return false;
  const [, n, r, p, saltText, keyText] = fields;
  const options = { N: Number(n), r: Number(r), p: Number(p) };
  if (!Object.values(options).every((v) => Number.isInteger(v) && v > 0)) return false;
  const expected = Buffer.from(keyText ?? '', 'base64');
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await scrypt(password, Buffer.from(saltText ?? '', 'base64'), options);
  return timingSafeEqual(actual, expected);
}

/** A hash of a random password: verified against when the user does not exist, so that a failed
 *  login takes as long for an unknown user as for a wrong password (no user enumeration). */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}
