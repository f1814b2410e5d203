// A throwaway PostgreSQL database for the postkeep-pg benchmark target: CREATE DATABASE
// postkeep_bench_<random> on the first server that answers (--pg-url / POSTKEEP_BENCH_PG_URL, else the
// local socket as the current user, else 127.0.0.1 as postgres), DROP ... WITH (FORCE) at the end.
// Every database still alive is dropped by dropAllBenchDatabases() (the suite's finally and signals).
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import pg from 'pg';

export interface BenchDatabase {
  readonly name: string;
  /** URL of the throwaway database. */
  readonly url: string;
  /** Seeding is not measured: synchronous_commit off for new sessions while seeding, back to the
   *  server's setting (RESET) before the measured server connects. */
  setFastSeeding(on: boolean): Promise<void>;
  /** VACUUM (ANALYZE) after the bulk load (not measured). */
  vacuumAnalyze(): Promise<void>;
  drop(): Promise<void>;
}

const alive = new Map<string, () => Promise<void>>();

function candidates(explicit: string | undefined): string[] {
  const given = explicit ?? process.env['POSTKEEP_BENCH_PG_URL'];
  if (given) return [given];
  let user = 'postgres';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry: keep postgres
  }
  return [`postgresql://${encodeURIComponent(user)}@/postgres?host=/var/run/postgresql`, 'postgresql://postgres@127.0.0.1:5432/postgres'];
}

/** The URL with another database (string surgery: new URL() refuses the empty host of a socket URL). */
export function withDatabase(url: string, database: string): string {
  const scheme = url.indexOf('://') + 3;
  const slash = url.indexOf('/', scheme);
  if (slash < 0) return `${url}/${database}`;
  const query = url.indexOf('?', slash);
  return url.slice(0, slash + 1) + database + (query < 0 ? '' : url.slice(query));
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The first maintenance-database URL that answers, or an error naming every one tried. */
export async function findServer(explicit?: string): Promise<string> {
  const errors: string[] = [];
  for (const url of candidates(explicit)) {
    try {
      await query(url, 'SELECT 1');
      return url;
    } catch (err) {
      errors.push(`${url.replace(/:[^:@/]*@/, ':***@')}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  throw new Error(`no PostgreSQL reachable for postkeep-pg (start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start; or --pg-url): ${errors.join('; ')}`);
}

/** "15.20; fsync=on, synchronous_commit=on, shared_buffers=128MB" for the machine table. */
export async function serverDescription(explicit?: string): Promise<string> {
  const url = await findServer(explicit);
  const rows = await query<{ name: string; setting: string }>(
    url,
    `SELECT name, current_setting(name) AS setting FROM unnest(ARRAY['server_version','fsync','synchronous_commit','wal_sync_method','shared_buffers','max_connections']) AS name`,
  );
  const get = (n: string): string => rows.find((r) => r.name === n)?.setting ?? '?';
  return `${get('server_version')} (local socket; fsync=${get('fsync')}, synchronous_commit=${get('synchronous_commit')}, wal_sync_method=${get('wal_sync_method')}, shared_buffers=${get('shared_buffers')}, max_connections=${get('max_connections')})`;
}

export async function createBenchDatabase(explicit?: string): Promise<BenchDatabase> {
  const admin = await findServer(explicit);
  const name = `postkeep_bench_${randomBytes(6).toString('hex')}`;
  await query(admin, `CREATE DATABASE ${name}`);
  let dropped = false;
  const drop = async (): Promise<void> => {
    if (dropped) return;
    dropped = true;
    alive.delete(name);
    await query(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
  alive.set(name, drop);
  return {
    name,
    url: withDatabase(admin, name),
    setFastSeeding: async (on) => {
      await query(admin, on ? `ALTER DATABASE ${name} SET synchronous_commit = off` : `ALTER DATABASE ${name} RESET synchronous_commit`);
    },
    vacuumAnalyze: async () => {
      await query(withDatabase(admin, name), 'VACUUM (ANALYZE)');
    },
    drop,
  };
}

/** Drops every database created here that is still there (never any other). */
export async function dropAllBenchDatabases(): Promise<void> {
  await Promise.all([...alive.values()].map((drop) => drop().catch(() => undefined)));
}
