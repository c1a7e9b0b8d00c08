/**
 * Opening a subgraph's database: PostgreSQL in production and tests, PGlite for the embedded start.
 * Either way the result is a Prisma driver adapter factory (statements counted), a `migrate` that uses
 * an owner connection, and a `close`.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { applyMigrations } from './migrate.ts';
import { acquirePglite, pgliteAdapterFactory } from './pglite.ts';
import { countingFactory, StatementCounter, type StatementStats } from './statement-counter.ts';

/** Role the services run as: LOGIN, NOSUPERUSER, NOBYPASSRLS, DML only (scripts/infra/postgres.sh). */
export const APP_ROLE = 'crm_app';

/** Where a subgraph's database lives. */
export type DatabaseConfig =
  /**
   * Real PostgreSQL. `url` connects as the application role (no BYPASSRLS); `migrationUrl` as the owner
   * (default: `url` with user `postgres` and no password). `poolSize` caps the pool (default 10).
   */
  | { kind: 'postgres'; url: string; migrationUrl?: string; poolSize?: number }
  /** Embedded PGlite; `dataDir` is a folder (e.g. `.data/sales`, created if missing) or `memory://`. */
  | { kind: 'pglite'; dataDir: string };

export interface Database {
  /** Pass to `new PrismaClient({ adapter })`. Every statement sent through it is counted in `statements`. */
  adapter: SqlMigrationAwareDriverAdapterFactory;
  config: DatabaseConfig;
  /**
   * Applies `migrationsDir` (Prisma layout) with the WASM schema engine as the owner, then grants DML on
   * every table and sequence to the application role; returns the names applied now.
   */
  migrate(migrationsDir: string, schemaPath: string): Promise<string[]>;
  /** Statements sent through `adapter` (for tests and benchmarks); see {@link StatementStats}. */
  readonly statements: StatementStats;
  /** Ends the pool (PostgreSQL) or releases the instance (PGlite). Disconnect Prisma clients first. */
  close(): Promise<void>;
}

/** The owner connection: the same server and database, user `postgres`, no password (trust auth). */
export function deriveMigrationUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = 'postgres';
  parsed.password = '';
  return parsed.toString();
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * What the application role may do after every migration: read and insert everywhere, update and
 * delete everywhere except tables whose comment starts with `append-only` (e.g. the audit log).
 * pg.query and PGlite's exec both run this as one script (simple query protocol).
 */
function grantStatements(role: string): string {
  const r = quoteIdent(role);
  return [
    `GRANT USAGE ON SCHEMA public TO ${r}`,
    `GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO ${r}`,
    `DO $grants$ DECLARE t record; BEGIN
       FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
                  AND coalesce(obj_description(c.oid, 'pg_class'), '') NOT LIKE 'append-only%'
       LOOP EXECUTE format('GRANT UPDATE, DELETE ON public.%I TO %s', t.relname, ${quoteLiteral(r)}); END LOOP;
     END $grants$`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`,
  ].join(';\n');
}

function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * `@prisma/adapter-pg` runs scripts by splitting on `;`, which breaks function bodies and `DO` blocks in
 * hand-written migrations. Send each script whole instead (simple query protocol, one implicit
 * transaction), which is what `prisma migrate deploy` does.
 */
function wholeScripts(inner: SqlDriverAdapter, run: (script: string) => Promise<unknown>): SqlDriverAdapter {
  const adapter: SqlDriverAdapter = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (query) => inner.queryRaw(query),
    executeRaw: (query) => inner.executeRaw(query),
    executeScript: async (script) => {
      await run(script);
    },
    startTransaction: (isolationLevel) => inner.startTransaction(isolationLevel),
    dispose: () => inner.dispose(),
  };
  if (inner.getConnectionInfo) adapter.getConnectionInfo = inner.getConnectionInfo.bind(inner);
  return adapter;
}

async function migratePostgres(config: Extract<DatabaseConfig, { kind: 'postgres' }>, migrationsDir: string, schemaPath: string): Promise<string[]> {
  const migrationUrl = config.migrationUrl ?? deriveMigrationUrl(config.url);
  const pool = new pg.Pool({ connectionString: migrationUrl, max: 2 });
  pool.on('error', () => {});
  try {
    const base = new PrismaPg(pool);
    const factory: SqlMigrationAwareDriverAdapterFactory = {
      provider: base.provider,
      adapterName: base.adapterName,
      connect: async () => wholeScripts(await base.connect(), (script) => pool.query(script)),
      connectToShadowDb: () => base.connectToShadowDb(),
    };
    const applied = await applyMigrations(factory, migrationsDir, schemaPath);
    const owner = decodeURIComponent(new URL(migrationUrl).username);
    const candidates = [...new Set([decodeURIComponent(new URL(config.url).username), APP_ROLE])].filter((r) => r && r !== owner);
    const { rows } = await pool.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [candidates]);
    for (const { rolname } of rows) await pool.query(grantStatements(rolname));
    return applied;
  } finally {
    await pool.end();
  }
}

async function openPostgres(config: Extract<DatabaseConfig, { kind: 'postgres' }>): Promise<Database> {
  const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize ?? 10 });
  // Idle clients that lose their connection emit 'error'; the pool replaces them on the next checkout.
  pool.on('error', () => {});
  const statements = new StatementCounter();
  let closed: Promise<void> | undefined;
  return {
    adapter: countingFactory(new PrismaPg(pool), statements),
    config,
    statements,
    migrate: (migrationsDir, schemaPath) => migratePostgres(config, migrationsDir, schemaPath),
    close: () => (closed ??= pool.end()),
  };
}

/**
 * PGlite runs everything as its superuser, which bypasses row-level security. So the instance creates
 * the application role and switches its single session to it (`SET ROLE`), and RLS applies in the
 * embedded mode too. Migrations switch back to the owner while they run.
 */
async function openPglite(config: Extract<DatabaseConfig, { kind: 'pglite' }>): Promise<Database> {
  const { pglite, release } = await acquirePglite(config.dataDir);
  const role = quoteIdent(APP_ROLE);
  await pglite.exec(`DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
      CREATE ROLE ${role} NOLOGIN NOSUPERUSER NOBYPASSRLS;
    END IF;
  END $$;
  SET ROLE ${role};`);
  const factory = pgliteAdapterFactory(pglite);
  const statements = new StatementCounter();
  let closed: Promise<void> | undefined;
  return {
    adapter: countingFactory(factory, statements),
    config,
    statements,
    migrate: async (migrationsDir, schemaPath) => {
      await pglite.exec('RESET ROLE');
      try {
        const applied = await applyMigrations(factory, migrationsDir, schemaPath);
        await pglite.exec(grantStatements(APP_ROLE));
        return applied;
      } finally {
        await pglite.exec(`SET ROLE ${role}`);
      }
    },
    close: () => (closed ??= release()),
  };
}

/** Opens a subgraph's database. One pool (PostgreSQL) or one shared instance per folder (PGlite). */
export function openDatabase(config: DatabaseConfig): Promise<Database> {
  return config.kind === 'postgres' ? openPostgres(config) : openPglite(config);
}
