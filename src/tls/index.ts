export { CertificateError, loadOrCreateCertificate, type LoadedCertificate } from './certificate.js';
export { createSecureContext, createTlsContextHolder, TLS12_CIPHERS, TLS_MIN_VERSION, type TlsContextHolder } from './context.js';
export { generateSelfSigned, type PemPair } from './self-signed.js';
