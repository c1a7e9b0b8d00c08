/**
 * Fixtures for @crm/db's integration tests: the throwaway schema's migrations (generated with the
 * real `createMigration`, plus a hand-written row-level security migration), a generated client,
 * and scratch PostgreSQL databases with their own application role.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createMigration, type CreatedMigration } from '../src/cli/create-migration.ts';
import { generateClient } from '../src/cli/generate-client.ts';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
export const fixtureSchema = path.join(packageDir, 'test', 'fixture', 'schema.prisma');

export const RLS_MIGRATION = 'row_level_security';
export const RLS_SQL = `-- Rows are visible and writable only inside a transaction whose app.tenant_id is their tenant.
ALTER TABLE "Note" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Note" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Note"
  USING ("tenantId" = current_setting('app.tenant_id', true))
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true));
-- A block with inner semicolons: scripts must reach the server whole.
DO $$ BEGIN PERFORM 1; PERFORM 2; END $$;
`;

export type FixtureModule = typeof import('./fixture/__generated__/client.ts');

/** The fixture's generated client module, generating it first when missing. */
export async function loadFixtureClient(): Promise<FixtureModule> {
  if (!existsSync(path.join(packageDir, 'test', 'fixture', '__generated__', 'client.ts'))) {
    generateClient({ cwd: packageDir, schemaPath: fixtureSchema });
  }
  return import('./fixture/__generated__/client.ts');
}

/** A fresh migrations folder: `<ts>_init` from the fixture schema, then `<ts+1>_row_level_security`. */
export async function prepareMigrations(): Promise<{ dir: string; init: CreatedMigration; names: string[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'crm-db-migrations-'));
  const now = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));
  const init = await createMigration({ schemaPath: fixtureSchema, migrationsDir: dir, name: 'init', now });
  if (!init) throw new Error('expected an initial migration');
  const rlsName = '20260101120001_' + RLS_MIGRATION;
  await mkdir(path.join(dir, rlsName));
  await writeFile(path.join(dir, rlsName, 'migration.sql'), RLS_SQL);
  return { dir, init, names: [init.name, rlsName] };
}

const ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface ScratchPostgres {
  database: string;
  role: string;
  /** Connects as the scratch application role (LOGIN, NOBYPASSRLS, not the owner). */
  appUrl: string;
  /** Connects as the superuser `postgres`. */
  ownerUrl: string;
  drop(): Promise<void>;
}

/** Creates `crm_db_test_<random>` and a matching NOBYPASSRLS login role; `drop()` removes both. */
export async function createScratchPostgres(): Promise<ScratchPostgres> {
  const suffix = Math.random().toString(36).slice(2, 10);
  const database = `crm_db_test_${suffix}`;
  const role = `crm_db_test_app_${suffix}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${role}' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`);
    await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  return {
    database,
    role,
    appUrl: `postgresql://${role}:${role}@127.0.0.1:5432/${database}`,
    ownerUrl: `postgresql://postgres@127.0.0.1:5432/${database}`,
    drop: async () => {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await client.query(`DROP ROLE IF EXISTS ${role}`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Runs one query as the superuser on `url`. */
export async function queryAsOwner<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}
