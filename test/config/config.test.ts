import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, configFromObject, loadConfig, parseListenAddress } from '../../src/config/index.js';
import { defaultLimits } from '../../src/imap/limits.js';

function fails(obj: unknown, message: string, source?: string): void {
  assert.throws(
    () => configFromObject(obj, source),
    (err: unknown) => err instanceof ConfigError && (assert.equal(err.message, message), true),
  );
}

test('an empty object gives the defaults', () => {
  const config = configFromObject({});
  assert.equal(config.dataDir, resolve(process.cwd(), 'data'));
  assert.deepEqual(config.imap.listen, ['127.0.0.1:1143']);
  assert.deepEqual(config.imap.listenTls, ['127.0.0.1:1993']);
  assert.equal(config.imap.plaintextAuth, 'loopback');
  assert.deepEqual(config.imap.limits, defaultLimits);
  assert.deepEqual(config.tls, { cert: null, key: null });
  assert.deepEqual(config.store, { kind: 'sqlite', url: null, poolSize: 10, mmap: true });
  assert.equal(config.log.level, 'info');
  assert.deepEqual(loadConfig(null), config);
});

test('partial objects keep the other defaults', () => {
  const config = configFromObject({ imap: { listen: ['[::1]:0'], limits: { max_message_bytes: 1048576 } }, log: { level: 'debug' } });
  assert.deepEqual(config.imap.listen, ['[::1]:0']);
  assert.deepEqual(config.imap.listenTls, ['127.0.0.1:1993']);
  assert.equal(config.imap.limits.maxMessageBytes, 1048576);
  assert.equal(config.imap.limits.maxLineBytes, defaultLimits.maxLineBytes);
  assert.equal(config.log.level, 'debug');
});

test('unknown keys are named with the allowed ones', () => {
  fails({ imap: { lisen: [] } }, 'Unknown key imap.lisen in postkeep.toml; allowed: listen, listen_tls, plaintext_auth, admins, limits', 'postkeep.toml');
  fails({ datadir: 'x' }, 'Unknown key datadir; allowed: data_dir, imap, tls, store, log, pop3, lmtp');
  fails(
    { imap: { limits: { max_line: 1 } } },
    'Unknown key imap.limits.max_line; allowed: max_line_bytes, max_message_bytes, max_multi_append_bytes, max_small_literal_bytes, max_command_bytes, ' +
      'max_nesting, max_read_ahead_bytes, max_output_buffer_bytes, idle_timeout_authenticated_ms, idle_timeout_unauthenticated_ms, max_auth_failures, ' +
      'max_connections_per_ip, max_connections_per_user, login_failure_delay_ms, login_failure_max_delay_ms, login_lockout_user_failures, ' +
      'login_lockout_ip_failures, login_lockout_ms',
  );
  fails({ tls: { certificate: 'a' } }, 'Unknown key tls.certificate; allowed: cert, key');
  fails({ store: { url: 'x' } }, 'store.url: is only for kind = "postgres" (the sqlite store lives in data_dir)');
  fails({ store: { bogus: 1 } }, 'Unknown key store.bogus; allowed: kind, url, pool_size, mmap');
  fails({ log: { lvl: 'x' } }, 'Unknown key log.lvl; allowed: level');
  fails({ log: { data_dir: 'x' } }, 'Unknown key log.data_dir; allowed: level (top-level keys such as data_dir go before the first [table])');
});

test('imap.admins: valid logins, each once (SETQUOTA, RFC 9208 §4.1.3)', () => {
  assert.deepEqual(configFromObject({ imap: { admins: ['postmaster', 'ops@example.org'] } }).imap.admins, ['postmaster', 'ops@example.org']);
  assert.deepEqual(configFromObject({}).imap.admins, []);
  fails({ imap: { admins: 'root' } }, 'imap.admins: expected an array of strings, got "root"');
  fails({ imap: { admins: ['a b'] } }, 'imap.admins[0]: "a b" is not a login (1 to 64 characters from A-Z a-z 0-9 . _ @ + -)');
  fails({ imap: { admins: ['root', 'root'] } }, 'imap.admins: "root" is listed twice');
});

test('bad values are named with what is allowed', () => {
  fails({ imap: { listen: ['localhost'] } }, 'imap.listen[0]: "localhost" is not host:port (e.g. "127.0.0.1:1143" or "[::1]:1143")');
  fails(
    { imap: { listen_tls: ['0.0.0.0:993', '::1:993'] } },
    'postkeep.toml: imap.listen_tls[1]: "::1:993" is not host:port (e.g. "127.0.0.1:1143" or "[::1]:1143")',
    'postkeep.toml',
  );
  fails({ imap: { listen: ['127.0.0.1:65536'] } }, 'imap.listen[0]: "127.0.0.1:65536" is not host:port (e.g. "127.0.0.1:1143" or "[::1]:1143")');
  fails({ imap: { listen: '127.0.0.1:143' } }, 'imap.listen: expected an array of strings, got "127.0.0.1:143"');
  fails({ imap: { listen: [143] } }, 'imap.listen[0]: expected a string, got 143');
  fails({ imap: { listen: [], listen_tls: [] } }, 'imap: listen and listen_tls are both empty, so nothing would accept connections');
  fails({ imap: { plaintext_auth: 'yes' } }, 'imap.plaintext_auth: "yes" is not one of "always", "loopback", "never"');
  fails({ imap: 'x' }, 'imap: expected a table ([imap]), got "x"');
  fails({ data_dir: '' }, 'data_dir: expected a non-empty string, got ""');
  fails({ data_dir: 5 }, 'data_dir: expected a non-empty string, got 5');
  fails({ tls: { cert: 'a.pem' } }, 'tls: cert and key must be set together (cert is set, key is not)');
  fails({ tls: { key: 'a.pem' } }, 'tls: cert and key must be set together (key is set, cert is not)');
  fails({ store: { kind: 'mysql' } }, 'store.kind: "mysql" is not one of "sqlite", "postgres"');
  fails({ store: { kind: 'postgres' } }, 'store.url: is required with kind = "postgres" (e.g. "postgres://postkeep:secret@db.example.org/postkeep")');
  fails({ store: { kind: 'postgres', url: 'mysql://x' } }, 'store.url: "mysql://x" is not a postgres:// or postgresql:// URL');
  fails({ store: { kind: 'postgres', url: 'postgres://h/db', pool_size: 0 } }, 'store.pool_size: 0 is below the minimum 1 (at least one connection)');
  fails({ store: { kind: 'postgres', url: 'postgres://h/db', pool_size: 501 } }, 'store.pool_size: 501 is above the maximum 500 (PostgreSQL runs one process per connection)');
  assert.deepEqual(configFromObject({ store: { kind: 'postgres', url: 'postgresql://u:p@db/mail', pool_size: 20 } }).store, {
    kind: 'postgres',
    url: 'postgresql://u:p@db/mail',
    poolSize: 20,
    mmap: true,
  });
  assert.equal(configFromObject({ store: { mmap: false } }).store.mmap, false);
  fails({ store: { mmap: 'no' } }, 'store.mmap: expected true or false, got "no"');
  fails({ log: { level: 'loud' } }, 'log.level: "loud" is not one of "fatal", "error", "warn", "info", "debug", "trace"');
  fails({ imap: { limits: { max_nesting: 1.5 } } }, 'imap.limits.max_nesting: expected a whole number, got 1.5');
  fails(
    { imap: { limits: { idle_timeout_authenticated_ms: 60000 } } },
    'imap.limits.idle_timeout_authenticated_ms: 60000 is below the minimum 1800000 (RFC 9051 §5.4: at least 30 minutes)',
  );
  fails(
    { imap: { limits: { max_line_bytes: 1000 } } },
    'imap.limits.max_line_bytes: 1000 is below the minimum 8192 (RFC 7162 §4 asks servers to accept command lines of 8192 octets)',
  );
  fails([], 'configuration: expected a table of settings, got an array');
});

test('listen addresses', () => {
  assert.deepEqual(parseListenAddress('127.0.0.1:1143'), { host: '127.0.0.1', port: 1143 });
  assert.deepEqual(parseListenAddress('[::]:993'), { host: '::', port: 993 });
  assert.deepEqual(parseListenAddress('mail.example.org:0'), { host: 'mail.example.org', port: 0 });
  for (const bad of ['localhost', ':143', '[::1]', '[x]:1', 'a b:1', '1.2.3.4:-1', '1.2.3.4:123456']) {
    assert.equal(parseListenAddress(bad), null, bad);
  }
});

test('files: relative paths are relative to the file, errors name the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'postkeep-config-'));
  const file = join(dir, 'postkeep.toml');
  writeFileSync(file, 'data_dir = "mail"\n[tls]\ncert = "c.pem"\nkey = "/etc/k.pem"\n[imap]\nlisten = ["0.0.0.0:143"]\n');
  const config = loadConfig(file);
  assert.equal(config.dataDir, join(dir, 'mail'));
  assert.deepEqual(config.tls, { cert: join(dir, 'c.pem'), key: '/etc/k.pem' });
  assert.deepEqual(config.imap.listen, ['0.0.0.0:143']);

  writeFileSync(file, '[imap]\nlisen = []\n');
  assert.throws(() => loadConfig(file), { name: 'ConfigError', message: `Unknown key imap.lisen in ${file}; allowed: listen, listen_tls, plaintext_auth, admins, limits` });
  writeFileSync(file, 'data_dir = \n');
  assert.throws(() => loadConfig(file), { name: 'ConfigError', message: `${file}: invalid TOML at line 1, column 12: invalid value` });
  const missing = join(dir, 'nope.toml');
  assert.throws(() => loadConfig(missing), { name: 'ConfigError', message: `Config file ${missing} does not exist` });
});

test('[pop3]: defaults, empty lists turn it off, values are checked', () => {
  const d = configFromObject({}, undefined, { baseDir: '/x' }).pop3;
  assert.deepEqual(d, { listen: ['127.0.0.1:1110'], listenTls: ['127.0.0.1:1995'], plaintextAuth: 'loopback' });
  const off = configFromObject({ pop3: { listen: [], listen_tls: [], plaintext_auth: 'never' } }).pop3;
  assert.deepEqual(off, { listen: [], listenTls: [], plaintextAuth: 'never' });
  fails({ pop3: { listen: ['localhost'] } }, 'pop3.listen[0]: "localhost" is not host:port (e.g. "127.0.0.1:1143" or "[::1]:1143")');
  fails({ pop3: { plaintext_auth: 'sometimes' } }, 'pop3.plaintext_auth: "sometimes" is not one of "always", "loopback", "never"');
  fails({ pop3: { limits: {} } }, 'Unknown key pop3.limits; allowed: listen, listen_tls, plaintext_auth');
});

test('[lmtp]: defaults, max_message_bytes follows IMAP, values are checked', () => {
  const d = configFromObject({}).lmtp;
  assert.deepEqual(d, { listen: ['127.0.0.1:2424'], localDomains: [], recipientDelimiter: '+', plusToMailbox: false, maxMessageBytes: defaultLimits.maxMessageBytes });
  assert.equal(configFromObject({ imap: { limits: { max_message_bytes: 4096 } } }).lmtp.maxMessageBytes, 4096);
  const set = configFromObject({
    lmtp: { listen: [], local_domains: ['Example.ORG'], recipient_delimiter: '+-', plus_to_mailbox: true, max_message_bytes: 2048 },
  }).lmtp;
  assert.deepEqual(set, { listen: [], localDomains: ['example.org'], recipientDelimiter: '+-', plusToMailbox: true, maxMessageBytes: 2048 });
  assert.equal(configFromObject({ lmtp: { recipient_delimiter: '' } }).lmtp.recipientDelimiter, '');
  fails({ lmtp: { listen: ['2424'] } }, 'lmtp.listen[0]: "2424" is not host:port (e.g. "127.0.0.1:2424" or "[::1]:2424")');
  fails({ lmtp: { local_domains: ['exa mple.org'] } }, 'lmtp.local_domains[0]: "exa mple.org" is not a domain name (e.g. "example.org")');
  fails({ lmtp: { recipient_delimiter: '@' } }, 'lmtp.recipient_delimiter: expected a string of delimiter characters such as "+" or "+-" ("" for none), got "@"');
  fails({ lmtp: { plus_to_mailbox: 'yes' } }, 'lmtp.plus_to_mailbox: expected true or false, got "yes"');
  fails({ lmtp: { max_message_bytes: 10 } }, 'lmtp.max_message_bytes: 10 is below the minimum 1024 (smaller than any real message)');
  fails({ lmtp: { port: 1 } }, 'Unknown key lmtp.port; allowed: listen, local_domains, recipient_delimiter, plus_to_mailbox, max_message_bytes');
});
