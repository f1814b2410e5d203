// A SCRAM-SHA-256 client written for the tests with node:crypto (RFC 5802 §3, RFC 7677), independent of
// src/auth/scram.ts so that the two check each other.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/** client-final-message for `serverFirst`, and the server-final the server must answer with. */
export function clientFinal(password: string, clientFirstBare: string, serverFirst: string, gs2 = 'n,,'): { message: string; expectedV: string } {
  const fields = Object.fromEntries(serverFirst.split(',').map((f) => [f[0], f.slice(2)]));
  const salted = pbkdf2Sync(password, Buffer.from(fields.s ?? '', 'base64'), Number(fields.i), 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const withoutProof = `c=${Buffer.from(gs2).toString('base64')},r=${fields.r}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const signature = createHmac('sha256', storedKey).update(authMessage).digest();
  const proof = Buffer.from(clientKey.map((b, i) => b ^ (signature[i] ?? 0)));
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return { message: `${withoutProof},p=${proof.toString('base64')}`, expectedV: `v=${createHmac('sha256', serverKey).update(authMessage).digest('base64')}` };
}

/** One client exchange over any SASL profile: call first(), then final(serverFirst), then check(serverFinal). */
export class ScramClient {
  readonly bare: string;
  private expectedV = '';
  constructor(
    user: string,
    private readonly password: string,
  ) {
    this.bare = `n=${user.replace(/=/g, '=3D').replace(/,/g, '=2C')},r=${randomBytes(18).toString('base64')}`;
  }
  first(): string {
    return `n,,${this.bare}`;
  }
  final(serverFirst: string): string {
    const { message, expectedV } = clientFinal(this.password, this.bare, serverFirst);
    this.expectedV = expectedV;
    return message;
  }
  /** True when the server proved it knows the ServerKey (RFC 5802 §3). */
  serverIsAuthentic(serverFinal: string): boolean {
    return this.expectedV !== '' && serverFinal === this.expectedV;
  }
}

export const b64 = (s: string): string => Buffer.from(s).toString('base64');
export const unb64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8');
