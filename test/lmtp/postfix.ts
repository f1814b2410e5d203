// A private Postfix instance for the end-to-end test: its own config, queue and data directories in
// a temporary directory, SMTP in on a loopback test port, every local domain delivered by LMTP to
// Postkeep. It never reads or writes /etc/postfix/main.cf or master.cf (meta_directory, Postfix's
// packaged file list, is only read), and stop() removes everything, also after a failure.
import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostfixInstance {
  readonly smtpPort: number;
  /** Postfix's own log (maillog_file), for failure messages. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

function run(cmd: string, args: string[], timeoutMs = 30_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { encoding: 'utf8', timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, out: `${stdout}${stderr}` });
    });
  });
}

/** Why the Postfix test cannot run here, or null when it can. */
export async function postfixUnavailable(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'needs root to start a Postfix instance';
  const probe = await run('postconf', ['-d', 'mail_version']);
  if (probe.code !== 0) return 'Postfix is not installed (apt-get install postfix)';
  return null;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const SERVICES = [
  // service type private unpriv chroot wakeup maxproc command
  'pickup unix n - n 60 1 pickup',
  'cleanup unix n - n - 0 cleanup',
  'qmgr unix n - n 300 1 qmgr',
  'rewrite unix - - n - - trivial-rewrite',
  'bounce unix - - n - 0 bounce',
  'defer unix - - n - 0 bounce',
  'trace unix - - n - 0 bounce',
  'verify unix - - n - 1 verify',
  'flush unix n - n 1000? 0 flush',
  'proxymap unix - - n - - proxymap',
  'smtp unix - - n - - smtp',
  'relay unix - - n - - smtp',
  'showq unix n - n - - showq',
  'error unix - - n - - error',
  'retry unix - - n - - error',
  'discard unix - - n - - discard',
  'local unix - n n - - local',
  'lmtp unix - - n - - lmtp',
  'anvil unix - - n - 1 anvil',
  'scache unix - - n - 1 scache',
  'postlog unix-dgram n - n - 1 postlogd',
];

export async function startPostfix(domain: string, lmtpPort: number): Promise<PostfixInstance> {
  const dir = await mkdtemp(join(tmpdir(), 'postkeep-postfix-'));
  await chmod(dir, 0o755); // Postfix's daemons run as the postfix user and must reach the queue
  const etc = join(dir, 'etc');
  const spool = join(dir, 'spool');
  const data = join(dir, 'data');
  const maillog = join(dir, 'maillog');
  await mkdir(etc);
  await mkdir(spool); // postfix start creates what is inside
  await mkdir(data);
  const uid = Number((await run('id', ['-u', 'postfix'])).out.trim());
  const gid = Number((await run('id', ['-g', 'postfix'])).out.trim());
  if (Number.isInteger(uid) && Number.isInteger(gid)) await chown(data, uid, gid); // master.lock, caches
  const smtpPort = await freePort();
  const mainCf = [
    'compatibility_level = 3.6',
    `queue_directory = ${spool}`,
    `data_directory = ${data}`,
    'meta_directory = /etc/postfix',
    `maillog_file = ${maillog}`,
    `maillog_file_prefixes = ${dir}`,
    'inet_interfaces = loopback-only',
    'inet_protocols = ipv4',
    'myhostname = mta.postkeep.test',
    'mydomain = postkeep.test',
    `mydestination = ${domain}`,
    'mynetworks = 127.0.0.0/8',
    'local_recipient_maps =',
    'alias_maps =',
    'alias_database =',
    `local_transport = lmtp:inet:127.0.0.1:${lmtpPort}`,
    'lmtp_host_lookup = native',
    'smtp_host_lookup = native',
    'smtp_dns_support_level = disabled',
    'biff = no',
    'smtpd_banner = $myhostname ESMTP',
    // Deliver at once; do not back off for long if Postkeep was not ready yet.
    'queue_run_delay = 1s',
    'minimal_backoff_time = 1s',
    'maximal_backoff_time = 2s',
    'smtpd_tls_security_level = none',
    'smtp_tls_security_level = none',
    'lmtp_tls_security_level = none',
    '',
  ].join('\n');
  const masterCf = [`127.0.0.1:${smtpPort} inet n - n - - smtpd`, ...SERVICES, ''].join('\n');
  await writeFile(join(etc, 'main.cf'), mainCf);
  await writeFile(join(etc, 'master.cf'), masterCf);

  let started = false;
  const instance: PostfixInstance = {
    smtpPort,
    async log() {
      return readFile(maillog, 'utf8').catch(() => '(no maillog)');
    },
    async stop() {
      try {
        if (started) await stopMaster(etc, spool);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
  try {
    const start = await run('postfix', ['-c', etc, 'start']);
    started = true;
    if (start.code !== 0) throw new Error(`postfix -c ${etc} start failed (${start.code}):\n${start.out}\n${await instance.log()}`);
    return instance;
  } catch (err) {
    await instance.stop();
    throw err;
  }
}

/** `postfix stop`, then wait (bounded) until the master process is gone; SIGKILL it by pid if not. */
async function stopMaster(etc: string, spool: string): Promise<void> {
  const pidText = await readFile(join(spool, 'pid', 'master.pid'), 'utf8').catch(() => '');
  const pid = Number(pidText.trim());
  await run('postfix', ['-c', etc, 'stop'], 15_000);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 10_000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (alive()) process.kill(pid, 'SIGKILL');
}
