// Parsed TOML (or any plain object, in tests) -> a validated Config with defaults filled in.
import { isAbsolute, resolve } from 'node:path';
import { defaultConfig, DEFAULT_DATA_DIR } from './defaults.js';
import { readStore } from './store.js';
import { readLimits } from './limits.js';
import { parseListenAddress } from './listen.js';
import { readLmtp } from './lmtp.js';
import { isTable, show, TableReader } from './reader.js';
import { ConfigError, logLevels, plaintextAuthValues, type Config } from './types.js';

const LISTEN_EXAMPLE = '(e.g. "127.0.0.1:1143" or "[::1]:1143")';

// Logins as `postkeep user add` accepts them (src/cli/login.ts).
const LOGIN = /^[A-Za-z0-9._@+-]{1,64}$/;

function readAdmins(imap: TableReader): readonly string[] {
  const admins = imap.stringArray('admins', [], (item) =>
    LOGIN.test(item) ? null : `${show(item)} is not a login (1 to 64 characters from A-Z a-z 0-9 . _ @ + -)`,
  );
  const twice = admins.find((a, i) => admins.indexOf(a) !== i);
  if (twice !== undefined) imap.fail('imap.admins', `${show(twice)} is listed twice`);
  return admins;
}

function checkListen(item: string): string | null {
  return parseListenAddress(item) === null ? `${show(item)} is not host:port ${LISTEN_EXAMPLE}` : null;
}

export interface FromObjectOptions {
  /** Relative paths (data_dir, tls.cert, tls.key) are resolved against this; cwd by default. */
  readonly baseDir?: string;
}

/**
 * @param source names the file in messages ("postkeep.toml"); omitted for objects built in code.
 */
export function configFromObject(obj: unknown, source?: string, options: FromObjectOptions = {}): Config {
  if (!isTable(obj)) throw new ConfigError(`${source ?? 'configuration'}: expected a table of settings, got ${show(obj)}`);
  const baseDir = options.baseDir ?? process.cwd();
  const path = (p: string): string => (isAbsolute(p) ? p : resolve(baseDir, p));
  const top = new TableReader(obj, '', source);
  top.checkKeys(['data_dir', 'imap', 'tls', 'store', 'log', 'pop3', 'lmtp']);
  const defaults = defaultConfig(path(DEFAULT_DATA_DIR));

  const imap = top.table_('imap');
  imap.checkKeys(['listen', 'listen_tls', 'plaintext_auth', 'admins', 'limits']);
  const listen = imap.stringArray('listen', defaults.imap.listen, checkListen);
  const listenTls = imap.stringArray('listen_tls', defaults.imap.listenTls, checkListen);
  if (listen.length === 0 && listenTls.length === 0) {
    imap.fail('imap', 'listen and listen_tls are both empty, so nothing would accept connections');
  }

  // Both lists may be empty: then POP3 is off.
  const pop3 = top.table_('pop3');
  pop3.checkKeys(['listen', 'listen_tls', 'plaintext_auth']);

  const tls = top.table_('tls');
  tls.checkKeys(['cert', 'key']);
  const cert = tls.optionalString('cert');
  const key = tls.optionalString('key');
  if ((cert === null) !== (key === null)) {
    tls.fail('tls', `cert and key must be set together (${cert === null ? 'key' : 'cert'} is set, ${cert === null ? 'cert' : 'key'} is not)`);
  }

  const store = readStore(top.table_('store'), defaults.store.poolSize);

  const log = top.table_('log');
  log.checkKeys(['level']);

  const limits = readLimits(imap.table_('limits'));

  return {
    dataDir: path(top.string('data_dir', DEFAULT_DATA_DIR)),
    imap: {
      listen,
      listenTls,
      plaintextAuth: imap.oneOf('plaintext_auth', plaintextAuthValues, defaults.imap.plaintextAuth),
      admins: readAdmins(imap),
      limits,
    },
    pop3: {
      listen: pop3.stringArray('listen', defaults.pop3.listen, checkListen),
      listenTls: pop3.stringArray('listen_tls', defaults.pop3.listenTls, checkListen),
      plaintextAuth: pop3.oneOf('plaintext_auth', plaintextAuthValues, defaults.pop3.plaintextAuth),
    },
    lmtp: readLmtp(top.table_('lmtp'), limits.maxMessageBytes),
    tls: { cert: cert === null ? null : path(cert), key: key === null ? null : path(key) },
    store,
    log: { level: log.oneOf('level', logLevels, defaults.log.level) },
  };
}
