// Defaults: listen on loopback only, so that a first `npm start` exposes nothing to the network.
import { defaultLimits } from '../imap/limits.js';
import { defaultLmtp } from './lmtp.js';
import type { Config } from './types.js';

export const DEFAULT_DATA_DIR = './data';
/** PostgreSQL connections per node: enough for the concurrent transactions of a few thousand
 *  sessions (each holds a connection only for one query or transaction). */
export const DEFAULT_POOL_SIZE = 10;

export function defaultConfig(dataDir: string): Config {
  return {
    dataDir,
    imap: {
      listen: ['127.0.0.1:1143'],
      listenTls: ['127.0.0.1:1993'],
      plaintextAuth: 'loopback',
      admins: [],
      limits: defaultLimits,
    },
    pop3: {
      listen: ['127.0.0.1:1110'],
      listenTls: ['127.0.0.1:1995'],
      plaintextAuth: 'loopback',
    },
    lmtp: defaultLmtp(defaultLimits.maxMessageBytes),
    tls: { cert: null, key: null },
    store: { kind: 'sqlite', url: null, poolSize: DEFAULT_POOL_SIZE, mmap: true },
    log: { level: 'info' },
  };
}
