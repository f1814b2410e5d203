// postkeep.sample.toml must stay true: every key it shows (commented out) is valid and is the default,
// and every key the schema accepts is shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { configFromObject } from '../../src/config/index.js';
import { limitKeys } from '../../src/config/limits.js';

const SAMPLE = fileURLToPath(new URL('../../../postkeep.sample.toml', import.meta.url));

test('the sample config shows every key with its default', () => {
  const text = readFileSync(SAMPLE, 'utf8');
  const uncommented = text
    .split('\n')
    .map((line) => (/^# [a-z_]+ = /.test(line) ? line.slice(2) : line))
    .join('\n');
  const parsed = parse(uncommented) as Record<string, unknown>;
  // [tls] shows example paths, not defaults (the default is "no files: self-signed").
  assert.deepEqual(Object.keys(parsed['tls'] as object), ['cert', 'key']);
  delete parsed['tls'];
  // [store] url is an example too (required only with kind = "postgres").
  delete (parsed['store'] as Record<string, unknown>)['url'];
  assert.deepEqual(configFromObject(parsed, 'sample', { baseDir: '/x' }), configFromObject({}, undefined, { baseDir: '/x' }));

  const keys = [...text.matchAll(/^# ([a-z_]+) = /gm)].map((m) => m[1]);
  for (const key of ['data_dir', 'listen', 'listen_tls', 'plaintext_auth', 'cert', 'key', 'kind', 'level', 'url', 'pool_size', 'max_line_bytes', 'max_message_bytes',
    'max_small_literal_bytes', 'max_command_bytes', 'max_nesting', 'max_read_ahead_bytes', 'max_output_buffer_bytes',
    'idle_timeout_authenticated_ms', 'idle_timeout_unauthenticated_ms', 'max_auth_failures',
    'max_connections_per_ip', 'max_connections_per_user', 'login_failure_delay_ms', 'login_failure_max_delay_ms',
    'login_lockout_user_failures', 'login_lockout_ip_failures', 'login_lockout_ms',
    'local_domains', 'recipient_delimiter', 'plus_to_mailbox', 'admins', ...limitKeys]) {
    assert.ok(keys.includes(key), `sample lacks ${key}`);
  }
});
