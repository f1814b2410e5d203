// The TLS settings every listener and STARTTLS share, and a holder that can swap in a renewed
// certificate without a restart (`postkeep serve` reloads on SIGHUP).
import { createSecureContext as nodeCreateSecureContext, type SecureContext } from 'node:tls';
import type { Config } from '../config/types.js';
import { CertificateError, loadOrCreateCertificate, type LoadedCertificate } from './certificate.js';

/** TLS 1.2 minimum: RFC 8314 §4.1 and RFC 8996 (TLS 1.0 and 1.1 are deprecated). */
export const TLS_MIN_VERSION = 'TLSv1.2' as const;

/** TLS 1.2 suites: forward secrecy (ECDHE) and AEAD only, as Mozilla's "intermediate" profile (no
 *  CBC, no RSA key exchange, no DHE). TLS 1.3 keeps OpenSSL's defaults (all of them are AEAD). */
export const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export function createSecureContext(pem: { readonly cert: string; readonly key: string }): SecureContext {
  try {
    return nodeCreateSecureContext({ cert: pem.cert, key: pem.key, minVersion: TLS_MIN_VERSION, ciphers: TLS12_CIPHERS });
  } catch (err) {
    throw new CertificateError(`Invalid TLS certificate or key: ${(err as Error).message}`);
  }
}

export interface TlsContextHolder {
  current(): SecureContext;
  /** What the current context was made from (paths, whether self-signed, the PEM texts). */
  certificate(): LoadedCertificate;
  /** Reads the certificate again; on failure the old one stays in use and the error is thrown. */
  reload(): Promise<void>;
  /** Called after every successful reload (e.g. to update a tls.Server's default context). */
  onReload(listener: (certificate: LoadedCertificate) => void): void;
}

export async function createTlsContextHolder(tls: Config['tls'], dataDir: string): Promise<TlsContextHolder> {
  let loaded = await loadOrCreateCertificate(tls, dataDir);
  let context = createSecureContext(loaded);
  const listeners: Array<(certificate: LoadedCertificate) => void> = [];
  return {
    current: () => context,
    certificate: () => loaded,
    async reload() {
      const next = await loadOrCreateCertificate(tls, dataDir);
      const nextContext = createSecureContext(next);
      loaded = next;
      context = nextContext;
      for (const listener of listeners) listener(next);
    },
    onReload(listener) {
      listeners.push(listener);
    },
  };
}
