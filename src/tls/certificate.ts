// Where the server's certificate comes from: the configured files, or one self-signed certificate
// made on the first start and kept in <dataDir>/tls so that clients see the same one every time.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/types.js';
import { generateSelfSigned } from './self-signed.js';

export interface LoadedCertificate {
  readonly cert: string;
  readonly key: string;
  readonly selfSigned: boolean;
  readonly certPath: string;
  readonly keyPath: string;
}

export class CertificateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateError';
  }
}

async function readPem(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new CertificateError(`Cannot read TLS ${what} ${path}: ${(err as Error).message}`);
  }
}

async function readIfPresent(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Write-then-rename, so a crash never leaves half a key that the next start would trust. */
async function writeAtomically(path: string, text: string, mode: number): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, text, { mode, flag: 'wx' });
  await rename(temp, path);
}

export async function loadOrCreateCertificate(tls: Config['tls'], dataDir: string): Promise<LoadedCertificate> {
  if (tls.cert !== null && tls.key !== null) {
    const [cert, key] = await Promise.all([readPem(tls.cert, 'certificate'), readPem(tls.key, 'key')]);
    return { cert, key, selfSigned: false, certPath: tls.cert, keyPath: tls.key };
  }
  const dir = join(dataDir, 'tls');
  const certPath = join(dir, 'selfsigned-cert.pem');
  const keyPath = join(dir, 'selfsigned-key.pem');
  const [cert, key] = await Promise.all([readIfPresent(certPath), readIfPresent(keyPath)]);
  if (cert !== null && key !== null) return { cert, key, selfSigned: true, certPath, keyPath };

  await mkdir(dir, { recursive: true, mode: 0o700 });
  const made = await generateSelfSigned();
  // The key first: a certificate file without its key would be useless on the next start.
  await writeAtomically(keyPath, made.key, 0o600);
  await writeAtomically(certPath, made.cert, 0o644);
  return { ...made, selfSigned: true, certPath, keyPath };
}
