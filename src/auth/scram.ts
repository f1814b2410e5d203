// SCRAM-SHA-256 (RFC 7677 over RFC 5802), the server side, with no channel binding (the -PLUS variant
// is not offered). The server keeps only StoredKey and ServerKey (with salt and iteration count), never
// the password. Pure: no sockets, no store; the caller looks up the credentials and sends the messages
// (src/auth/scram-exchange.ts runs it for IMAP AUTHENTICATE and POP3 AUTH).
import { createHash, createHmac, pbkdf2, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ScramRecord } from '../store/types.js';

/** RFC 7677 §4 asks for at least 4096. PBKDF2 is paid by every client at every login (many do not
 *  cache SaltedPassword) and by an attacker per guess against a stolen verifier; 4096 is what the RFC's
 *  examples and Dovecot use, and what old clients expect. */
export const SCRAM_ITERATIONS = 4096;

export interface ScramCredentials {
  readonly iterations: number;
  readonly salt: Buffer;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();
const sha256 = (b: Buffer): Buffer => createHash('sha256').update(b).digest();

/** RFC 5802 §3: SaltedPassword = Hi(password, salt, i); ClientKey, StoredKey, ServerKey from it.
 *  The password is NFC-normalized here (as password.ts does), a subset of SASLprep. */
export function deriveScramCredentials(password: string, salt: Buffer = randomBytes(16), iterations = SCRAM_ITERATIONS): ScramCredentials {
  const salted = pbkdf2Sync(password.normalize('NFC'), salt, iterations, 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  return { iterations, salt, storedKey: sha256(clientKey), serverKey: hmac(salted, 'Server Key') };
}

/** The same derivation off the event loop (PBKDF2 in libuv's pool), for the store's base64 form. */
export function deriveScramRecord(password: string, salt: Buffer = randomBytes(16), iterations = SCRAM_ITERATIONS): Promise<ScramRecord> {
  return new Promise((resolve, reject) => {
    pbkdf2(password.normalize('NFC'), salt, iterations, 32, 'sha256', (err, salted) => {
      if (err) return reject(err);
      const clientKey = hmac(salted, 'Client Key');
      resolve(toScramRecord({ iterations, salt, storedKey: sha256(clientKey), serverKey: hmac(salted, 'Server Key') }));
    });
  });
}

export function toScramRecord(c: ScramCredentials): ScramRecord {
  return { iterations: c.iterations, salt: c.salt.toString('base64'), storedKey: c.storedKey.toString('base64'), serverKey: c.serverKey.toString('base64') };
}

/** Null when the record is unusable (then the account is treated as one without SCRAM credentials). */
export function fromScramRecord(r: ScramRecord): ScramCredentials | null {
  return decodeScram(['SCRAM-SHA-256', r.iterations, r.salt, r.storedKey, r.serverKey].join('$'));
}

/** "SCRAM-SHA-256$i$salt$StoredKey$ServerKey" (base64), how a store keeps it. */
export function encodeScram(c: ScramCredentials): string {
  return ['SCRAM-SHA-256', c.iterations, c.salt.toString('base64'), c.storedKey.toString('base64'), c.serverKey.toString('base64')].join('$');
}

export function decodeScram(text: string): ScramCredentials | null {
  const f = text.split('$');
  if (f.length !== 5 || f[0] !== 'SCRAM-SHA-256') return null;
  const iterations = Number(f[1]);
  const [salt, storedKey, serverKey] = [f[2], f[3], f[4]].map((v) => Buffer.from(v ?? '', 'base64'));
  if (!Number.isInteger(iterations) || iterations < 1 || !salt?.length || !storedKey || !serverKey || storedKey.length !== 32 || serverKey.length !== 32) return null;
  return { iterations, salt, storedKey, serverKey };
}

/** RFC 5802 §5.1 saslname: "=2C" is ",", "=3D" is "="; any other "=" is malformed. */
function unescapeName(s: string): string | null {
  if (/=(?!2C|3D)/.test(s)) return null;
  return s.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

export class ScramError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScramError';
  }
}

export interface ClientFirst {
  readonly gs2Header: string;
  readonly username: string;
  readonly clientNonce: string;
  readonly bare: string;
}

/** client-first-message: gs2-header ("n,," or "y,,", optionally with a=authzid) then n=user,r=nonce. */
export function parseClientFirst(message: string): ClientFirst {
  const m = /^([ny]),(a=[^,]*)?,(n=([^,]*),r=([\x21-\x2b\x2d-\x7e]+)(?:,.*)?)$/.exec(message);
  if (!m) {
    if (message.startsWith('p=')) throw new ScramError('channel binding is not supported (SCRAM-SHA-256-PLUS is not offered)');
    throw new ScramError('malformed client-first-message');
  }
  const bare = m[3] ?? '';
  if (/^n=[^,]*,r=[^,]*,m=/.test(bare)) throw new ScramError('mandatory extensions are not supported');
  const username = unescapeName(m[4] ?? '');
  if (username === null || username === '') throw new ScramError('malformed user name');
  const authzid = m[2] === undefined ? null : unescapeName(m[2].slice(2));
  if (authzid !== null && authzid !== username) throw new ScramError('acting as another user is not supported');
  return { gs2Header: `${m[1]},${m[2] ?? ''},`, username, clientNonce: m[5] ?? '', bare };
}

/** One server exchange. `credentials` null: an unknown user or one without SCRAM credentials; the
 *  exchange goes on with fake ones (consistent per user name) and fails at the proof, like a wrong password. */
export class ScramServer {
  private serverFirst = '';
  private nonce = '';

  constructor(
    private readonly first: ClientFirst,
    private readonly credentials: ScramCredentials,
    private readonly real: boolean,
  ) {}

  /** server-first-message: r=nonce,s=salt,i=iterations. */
  start(serverNonce: string = randomBytes(18).toString('base64')): string {
    this.nonce = this.first.clientNonce + serverNonce;
    this.serverFirst = `r=${this.nonce},s=${this.credentials.salt.toString('base64')},i=${this.credentials.iterations}`;
    return this.serverFirst;
  }

  /** Checks client-final-message; returns server-final-message (v=...) or throws ScramError. */
  finish(message: string): string {
    const m = /^c=([A-Za-z0-9+/=]+),r=([^,]+)(?:,[^p][^,]*)*,p=([A-Za-z0-9+/=]+)$/.exec(message);
    if (!m) throw new ScramError('malformed client-final-message');
    // The gs2 header came in as UTF-8 text (an authzid may hold non-ASCII), so compare as UTF-8.
    if (Buffer.from(m[1] ?? '', 'base64').toString('utf8') !== this.first.gs2Header) throw new ScramError('channel binding data does not match');
    if (m[2] !== this.nonce) throw new ScramError('nonce mismatch');
    const withoutProof = message.slice(0, message.lastIndexOf(',p='));
    const authMessage = `${this.first.bare},${this.serverFirst},${withoutProof}`;
    const proof = Buffer.from(m[3] ?? '', 'base64');
    const clientSignature = hmac(this.credentials.storedKey, authMessage);
    if (proof.length !== clientSignature.length) throw new ScramError('authentication failed');
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = (proof[i] ?? 0) ^ (clientSignature[i] ?? 0);
    if (!timingSafeEqual(sha256(clientKey), this.credentials.storedKey) || !this.real) throw new ScramError('authentication failed');
    return `v=${hmac(this.credentials.serverKey, authMessage).toString('base64')}`;
  }
}

/** Fake credentials for a user without real ones: the same salt for the same name while `secret`
 *  lives (it is kept in the store: Store.serverSecret), the usual iteration count, keys that no proof
 *  matches. */
export function fakeScramCredentials(username: string, secret: Buffer): ScramCredentials {
  const salt = hmac(secret, `salt:${username}`).subarray(0, 16);
  return { iterations: SCRAM_ITERATIONS, salt, storedKey: hmac(secret, `stored:${username}`), serverKey: hmac(secret, `server:${username}`) };
}
