// A throwaway PostgreSQL database per test run: found on this machine (socket as the current user,
// then 127.0.0.1 as postgres, or POSTKEEP_TEST_PG_URL), created with a random name, dropped at the end.
// When no server can be reached, pgSkipReason() says so and the tests skip with that reason.
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { after, before, describe } from 'node:test';
import pg from 'pg';

export interface TestDatabase {
  /** URL of the throwaway database. */
  readonly url: string;
  /** URL of a new empty schema in it (search_path), for a test that needs a store of its own. */
  freshSchema(): Promise<string>;
  /** Drops it (after every store on it is closed). */
  drop(): Promise<void>;
}

function candidates(): string[] {
  const env = process.env['POSTKEEP_TEST_PG_URL'];
  if (env) return [env];
  let user = 'postgres';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry: keep postgres
  }
  return [
    `postgresql://${encodeURIComponent(user)}@/postgres?host=/var/run/postgresql`,
    'postgresql://postgres@127.0.0.1:5432/postgres',
    `postgresql://${encodeURIComponent(user)}@127.0.0.1:5432/postgres`,
  ];
}

let admin: Promise<{ url: string } | { error: string }> | undefined;

/** The first server URL (maintenance database) that answers, or why none did. */
function findAdmin(): Promise<{ url: string } | { error: string }> {
  admin ??= (async () => {
    const errors: string[] = [];
    for (const url of candidates()) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
        return { url };
      } catch (err) {
        errors.push(`${url.replace(/:[^:@/]*@/, ':***@')}: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    return { error: errors.join('; ') };
  })();
  return admin;
}

/** Why the PostgreSQL tests cannot run here, or null when they can. Logged loudly: never a silent skip. */
export async function pgSkipReason(): Promise<string | null> {
  const found = await findAdmin();
  if ('url' in found) return null;
  const reason = `no PostgreSQL reachable, PostgreSQL store tests SKIPPED (start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start; or set POSTKEEP_TEST_PG_URL): ${found.error}`;
  process.stderr.write(`\n*** ${reason}\n\n`);
  return reason;
}

/** The URL with another database (string surgery: new URL() refuses the empty host of a socket URL). */
function withDatabase(url: string, database: string): string {
  const scheme = url.indexOf('://') + 3;
  const slash = url.indexOf('/', scheme);
  if (slash < 0) return `${url}/${database}`;
  const query = url.indexOf('?', slash);
  return url.slice(0, slash + 1) + database + (query < 0 ? '' : url.slice(query));
}

async function adminQuery(sql: string): Promise<void> {
  const found = await findAdmin();
  if (!('url' in found)) throw new Error(found.error);
  const client = new pg.Client({ connectionString: found.url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** CREATE DATABASE postkeep_test_<random>; drop() removes it (FORCE: a leaked connection cannot block it). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const found = await findAdmin();
  if (!('url' in found)) throw new Error(found.error);
  const name = `postkeep_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = withDatabase(found.url, name);
  let schemas = 0;
  return {
    url,
    freshSchema: async () => {
      const schema = `s${++schemas}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE SCHEMA ${schema}`);
      } finally {
        await client.end();
      }
      return `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    },
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/**
 * describe() over one test database, skipped where no PostgreSQL server is reachable. body gets
 * freshSchema: a URL of a new empty schema in that database, one per test that asks.
 */
export async function describePostgres(title: string, body: (freshSchema: () => Promise<string>) => void): Promise<void> {
  const skip = await pgSkipReason();
  describe(title, { skip: skip ?? false }, () => {
    let db: TestDatabase | undefined;
    before(async () => {
      db = await createTestDatabase();
    });
    after(async () => {
      await db?.drop();
    });
    body(async () => {
      if (!db) throw new Error('the test database was not created');
      return db.freshSchema();
    });
  });
}
