export { ConfigError, logLevels, plaintextAuthValues, type Config, type LogLevel, type PlaintextAuth } from './types.js';
export { configFromObject, type FromObjectOptions } from './from-object.js';
export { loadConfig } from './load.js';
export { parseListenAddress, type ListenAddress } from './listen.js';
export { defaultConfig } from './defaults.js';
export { type LmtpConfig } from './lmtp.js';
