// The brute-force throttle: growing delays, lockout per user and per address, forgetting, bounded
// keys, no difference between known and unknown users; the per-connection guard that logs failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { ipKey, LoginThrottle, MAX_PARALLEL_CHECKS, type ThrottleSettings } from '../../src/auth/throttle.js';
import { ConnectionLimiter } from '../../src/auth/connection-limits.js';
import { LoginGuard } from '../../src/auth/login-guard.js';
import { FakeClock } from './fake-clock.js';

const settings: ThrottleSettings = { baseDelayMs: 100, maxDelayMs: 1000, lockoutUserFailures: 5, lockoutIpFailures: 8, lockoutMs: 60_000 };

function fail(t: LoginThrottle, ip: string, user: string): void {
  const v = t.verdict(ip, user);
  assert.equal(v.kind, 'allow');
  assert.ok(t.begin(ip));
  t.failed(ip, user);
}

test('each failure doubles the wait up to the maximum', () => {
  const t = new LoginThrottle(settings, new FakeClock());
  const delays: number[] = [];
  for (let i = 0; i < 4; i++) {
    const v = t.verdict('192.0.2.1', 'alice');
    assert.equal(v.kind, 'allow');
    delays.push(v.kind === 'allow' ? v.delayMs : -1);
    fail(t, '192.0.2.1', 'alice');
  }
  assert.deepEqual(delays, [0, 100, 200, 400]);
  assert.equal(t.delayFor(20), 1000);
});

test('a user name is locked after lockoutUserFailures, from any address, then released', () => {
  const clock = new FakeClock();
  const t = new LoginThrottle(settings, clock);
  for (let i = 0; i < 5; i++) fail(t, `192.0.2.${i}`, 'Alice');
  const v = t.verdict('198.51.100.7', 'alice');
  assert.equal(v.kind, 'locked');
  assert.equal(v.kind === 'locked' && v.retryAfterMs, 60_000);
  clock.advance(60_001);
  const after = t.verdict('198.51.100.7', 'alice');
  assert.equal(after.kind, 'allow');
});

test('an address is locked after lockoutIpFailures, whatever names it tries', () => {
  const t = new LoginThrottle(settings, new FakeClock());
  for (let i = 0; i < 8; i++) fail(t, '203.0.113.9', `user${i}`);
  assert.equal(t.verdict('203.0.113.9', 'someone-new').kind, 'locked');
  assert.equal(t.verdict('203.0.113.10', 'someone-new').kind, 'allow');
});

test('IPv6 addresses of one /64 share a count; IPv4-mapped is IPv4', () => {
  assert.equal(ipKey('2001:db8:1:2::1'), ipKey('2001:db8:1:2:ffff::9'));
  assert.notEqual(ipKey('2001:db8:1:2::1'), ipKey('2001:db8:1:3::1'));
  assert.equal(ipKey('::ffff:192.0.2.1'), '192.0.2.1');
  const t = new LoginThrottle(settings, new FakeClock());
  for (let i = 0; i < 8; i++) fail(t, `2001:db8::${i + 1}`, `u${i}`);
  assert.equal(t.verdict('2001:db8::ffff', 'x').kind, 'locked');
});

test('success clears the user count; old failures are forgotten', () => {
  const clock = new FakeClock();
  const t = new LoginThrottle(settings, clock);
  fail(t, '192.0.2.1', 'bob');
  fail(t, '192.0.2.1', 'bob');
  t.succeeded('192.0.2.1', 'bob');
  const v = t.verdict('192.0.2.2', 'bob');
  assert.deepEqual(v, { kind: 'allow', delayMs: 0 });
  fail(t, '192.0.2.3', 'carol');
  clock.advance(60_000);
  assert.deepEqual(t.verdict('192.0.2.4', 'carol'), { kind: 'allow', delayMs: 0 });
});

test('correct logins in flight are not failures: a burst from one address is never locked out', () => {
  const t = new LoginThrottle(settings, new FakeClock());
  // Twice the address lockout threshold of logins start at once (one NAT, many users) ...
  const started: number[] = [];
  for (let i = 0; i < settings.lockoutIpFailures * 2; i++) {
    assert.deepEqual(t.verdict('192.0.2.1', `user${i}`), { kind: 'allow', delayMs: 0 });
    if (t.begin('192.0.2.1')) started.push(i);
  }
  // ... only MAX_PARALLEL_CHECKS run at once; the others wait for a turn, none is refused.
  assert.equal(started.length, MAX_PARALLEL_CHECKS);
  for (const i of started) t.succeeded('192.0.2.1', `user${i}`);
  assert.ok(t.begin('192.0.2.1'), 'a turn is free again once the running checks end');
  t.succeeded('192.0.2.1', 'late');
  assert.deepEqual(t.verdict('192.0.2.1', 'anyone'), { kind: 'allow', delayMs: 0 });
});

test('attempts over the parallel limit get their turns in arrival order; a newcomer does not jump the queue', async () => {
  const t = new LoginThrottle(settings, new FakeClock());
  const ip = '192.0.2.1';
  for (let i = 0; i < MAX_PARALLEL_CHECKS; i++) await t.turn(ip);
  const order: number[] = [];
  const waiters = [0, 1, 2].map((i) => t.turn(ip).then(() => order.push(i)));
  await Promise.resolve();
  assert.deepEqual(order, [], 'all turns are taken');
  assert.equal(t.begin(ip), false, 'a newcomer waits behind the queue even as a turn frees');
  t.succeeded(ip, 'a');
  t.failed(ip, 'b');
  await Promise.all(waiters.slice(0, 2));
  assert.deepEqual(order, [0, 1]);
  t.succeeded(ip, 'c');
  await waiters[2];
  assert.deepEqual(order, [0, 1, 2]);
  // Everyone that started ends: the address's turns are all free again.
  for (let i = 0; i < MAX_PARALLEL_CHECKS; i++) t.succeeded(ip, `u${i}`);
  for (let i = 0; i < MAX_PARALLEL_CHECKS; i++) assert.ok(t.begin(ip), `turn ${i} free`);
  assert.equal(t.begin(ip), false);
});

test('a spray of names keeps memory bounded', () => {
  const t = new LoginThrottle({ ...settings, lockoutIpFailures: 1e9 }, new FakeClock());
  for (let i = 0; i < 100_050; i++) fail(t, '192.0.2.1', `n${i}`);
  assert.ok(t.size <= 100_001, `${t.size} entries`);
});

test('the connection limiter counts per address and per user and gives slots back once', () => {
  const l = new ConnectionLimiter(2, 1);
  const a = l.openIp('192.0.2.1');
  const b = l.openIp('::ffff:192.0.2.1');
  assert.ok(a && b);
  assert.equal(l.openIp('192.0.2.1'), null);
  a();
  a();
  assert.equal(l.countIp('192.0.2.1'), 1);
  assert.ok(l.openIp('192.0.2.1'));
  const u = l.openUser('Alice');
  assert.ok(u);
  assert.equal(l.openUser('alice'), null);
  u();
  assert.ok(l.openUser('alice'));
  assert.ok(new ConnectionLimiter(0, 0).openIp('x'), '0 means no limit');
});

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino(
    { level: 'warn' },
    new Writable({
      write(chunk: Buffer, _e, cb) {
        lines.push(chunk.toString());
        cb();
      },
    }),
  );
  return { logger, lines };
}

test('the guard waits, logs the peer without the password, and treats unknown and wrong alike', async () => {
  const clock = new FakeClock();
  const throttle = new LoginThrottle(settings, clock);
  const { logger, lines } = capture();
  const guard = new LoginGuard({ throttle, connections: null, peer: '192.0.2.50', protocol: 'imap', logger });
  const wrong = await guard.attempt('alice', async () => null);
  const unknown = await guard.attempt('nosuchuser', async () => null);
  assert.deepEqual(wrong, { kind: 'failed' });
  assert.deepEqual(unknown, { kind: 'failed' });
  // The second attempt waited for the address's first failure, whatever the user.
  assert.deepEqual(clock.sleeps, [100]);
  assert.equal(lines.length, 2);
  for (const line of lines) {
    const entry = JSON.parse(line) as Record<string, unknown>;
    assert.equal(entry['peer'], '192.0.2.50');
    assert.equal(entry['msg'], 'login failed');
    assert.ok(!line.includes('hunter2'));
  }
});

test('the guard refuses locked names without checking and enforces the per-user limit', async () => {
  const clock = new FakeClock();
  const throttle = new LoginThrottle({ ...settings, lockoutUserFailures: 2 }, clock);
  const { logger } = capture();
  const limiter = new ConnectionLimiter(0, 1);
  const guard = new LoginGuard({ throttle, connections: limiter, peer: '192.0.2.1', protocol: 'pop3', logger });
  await guard.attempt('eve', async () => null);
  await guard.attempt('eve', async () => null);
  let checked = false;
  const locked = await guard.attempt('eve', async () => {
    checked = true;
    return { login: 'eve' };
  });
  assert.equal(locked.kind, 'locked');
  assert.equal(checked, false, 'a locked name is not even checked');

  const ok = await guard.attempt('dave', async () => ({ login: 'dave' }));
  assert.equal(ok.kind, 'ok');
  const other = new LoginGuard({ throttle, connections: limiter, peer: '192.0.2.2', protocol: 'imap', logger });
  assert.deepEqual(await other.attempt('dave', async () => ({ login: 'dave' })), { kind: 'limit', max: 1 });
  guard.releaseUser();
  assert.equal((await other.attempt('dave', async () => ({ login: 'dave' }))).kind, 'ok');
});
