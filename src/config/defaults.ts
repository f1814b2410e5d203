// Defaults: listen on loopback only, so that a first `npm start` exposes nothing to the network.
import { defaultLimits } from '../imap/limits.js';
import { defaultLmtp } from './lmtp.js';
import type { Config } from './types.js';

export const DEFAULT_DATA_DIR = './data';

export function defaultConfig(dataDir: string): Config {
  return {
    dataDir,
    imap: {
      listen: ['127.0.0.1:1143'],
      listenTls: ['127.0.0.1:1993'],
      plaintextAuth: 'loopback',
      limits: defaultLimits,
    },
    pop3: {
      listen: ['127.0.0.1:1110'],
      listenTls: ['127.0.0.1:1995'],
      plaintextAuth: 'loopback',
    },
    lmtp: defaultLmtp(defaultLimits.maxMessageBytes),
    tls: { cert: null, key: null },
    store: { kind: 'sqlite', url: null },
    log: { level: 'info' },
  };
}
