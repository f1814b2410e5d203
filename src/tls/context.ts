// The TLS settings every listener and STARTTLS share, and a holder that can swap in a renewed
// certificate without a restart (SIGHUP wiring comes later).
import { createSecureContext as nodeCreateSecureContext, type SecureContext } from 'node:tls';
import type { Config } from '../config/types.js';
import { CertificateError, loadOrCreateCertificate, type LoadedCertificate } from './certificate.js';

/** TLS 1.2 minimum: RFC 8314 §4.1 and RFC 8996 (TLS 1.0 and 1.1 are deprecated). */
export const TLS_MIN_VERSION = 'TLSv1.2' as const;

export function createSecureContext(pem: { readonly cert: string; readonly key: string }): SecureContext {
  try {
    return nodeCreateSecureContext({ cert: pem.cert, key: pem.key, minVersion: TLS_MIN_VERSION });
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
