export { startServer, type RunningServer, type StartOptions } from './start.js';
export { createLogger } from './logger.js';
export { ListenError, formatAddress } from './listen.js';
