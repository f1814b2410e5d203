// A self-signed certificate for the first run, so that STARTTLS and IMAPS work before anyone has
// a real certificate. Mail clients warn about it once; the README says how to use a real one.
import { hostname } from 'node:os';
import { generate } from 'selfsigned';

const TEN_YEARS_MS = 10 * 365.25 * 24 * 60 * 60 * 1000;

export interface PemPair {
  readonly cert: string;
  readonly key: string;
}

export async function generateSelfSigned(host: string = hostname()): Promise<PemPair> {
  const now = new Date();
  const dnsNames = [...new Set([host, 'localhost'])];
  // EC P-256: as widely supported as RSA-2048 by TLS 1.2+ clients, and generated in milliseconds.
  const pems = await generate([{ name: 'commonName', value: host }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + TEN_YEARS_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...dnsNames.map((value) => ({ type: 2 as const, value })), { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
