import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigration } from './cli/create-migration.ts';
import { migrateAll } from './cli/migrate.ts';
import { openDatabase } from './database.ts';
import { MIGRATION_LOCK_TOML } from './migrate.ts';
import { createScratchPostgres, fixtureSchema, loadFixtureClient, prepareMigrations, queryAsOwner, type ScratchPostgres } from '../test/helpers.ts';

/** One migrations folder for the whole file (read-only for every test but the first). */
let migrations: Awaited<ReturnType<typeof prepareMigrations>>;
beforeAll(async () => {
  migrations = await prepareMigrations();
});
afterAll(async () => {
  await rm(migrations.dir, { recursive: true });
});

interface MigrationRow {
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

describe('createMigration', () => {
  it('writes the schema diff as a Prisma migration and the lock file, then reports no changes', async () => {
    const { dir, init } = migrations;
    expect(init.name).toBe('20260101120000_init');
    expect(init.file).toBe(path.join(dir, '20260101120000_init', 'migration.sql'));
    const sql = await readFile(init.file, 'utf8');
    expect(sql).toContain('CREATE TABLE "Note"');
    expect(sql).toContain('CREATE TABLE "Setting"');
    expect(sql).toContain('CREATE INDEX "Note_tenantId_idx"');
    expect(await readFile(path.join(dir, 'migration_lock.toml'), 'utf8')).toBe(MIGRATION_LOCK_TOML);

    await expect(createMigration({ schemaPath: fixtureSchema, migrationsDir: dir, name: 'again' })).resolves.toBeNull();
  });
});

describe('migrate on PGlite', () => {
  it('applies every migration once, records _prisma_migrations, and is a no-op when re-run', async () => {
    const { dir, names } = migrations;
    const { PrismaClient } = await loadFixtureClient();
    const db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    const prisma = new PrismaClient({ adapter: db.adapter });
    try {
      expect(await db.migrate(dir, fixtureSchema)).toEqual(names);
      expect(await db.migrate(dir, fixtureSchema)).toEqual([]);
      const rows = await prisma.$queryRaw<MigrationRow[]>`SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name`;
      expect(rows.map((row) => row.migration_name)).toEqual(names);
      expect(rows.every((row) => row.finished_at !== null && row.rolled_back_at === null)).toBe(true);
    } finally {
      await prisma.$disconnect();
      await db.close();
    }
  });

  it('keeps data in a folder, shared by every database opened on it in the process', async () => {
    const { dir } = migrations;
    const dataDir = await mkdtemp(path.join(tmpdir(), 'crm-db-pglite-'));
    const { PrismaClient } = await loadFixtureClient();
    try {
      const first = await openDatabase({ kind: 'pglite', dataDir });
      const second = await openDatabase({ kind: 'pglite', dataDir });
      await first.migrate(dir, fixtureSchema);
      const writer = new PrismaClient({ adapter: first.adapter });
      await writer.setting.create({ data: { key: 'theme', value: 'dark' } });
      await writer.$disconnect();
      await first.close();
      const reader = new PrismaClient({ adapter: second.adapter });
      expect(await reader.setting.findUnique({ where: { key: 'theme' } })).toEqual({ key: 'theme', value: 'dark' });
      await reader.$disconnect();
      await second.close();

      const reopened = await openDatabase({ kind: 'pglite', dataDir });
      expect(await reopened.migrate(dir, fixtureSchema)).toEqual([]);
      const again = new PrismaClient({ adapter: reopened.adapter });
      expect(await again.setting.count()).toBe(1);
      await again.$disconnect();
      await reopened.close();
    } finally {
      await rm(dataDir, { recursive: true });
    }
  });
});

describe('migrate on PostgreSQL', () => {
  let scratch: ScratchPostgres;
  beforeAll(async () => {
    scratch = await createScratchPostgres();
  });
  afterAll(async () => {
    await scratch.drop();
  });

  it('applies as the owner, grants DML to the application role, records _prisma_migrations, and is a no-op when re-run', async () => {
    const { dir, names } = migrations;
    const db = await openDatabase({ kind: 'postgres', url: scratch.appUrl });
    try {
      expect(await db.migrate(dir, fixtureSchema)).toEqual(names);
      expect(await db.migrate(dir, fixtureSchema)).toEqual([]);
      const rows = await queryAsOwner<MigrationRow>(scratch.ownerUrl, 'SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name');
      expect(rows.map((row) => row.migration_name)).toEqual(names);
      expect(rows.every((row) => row.finished_at !== null && row.rolled_back_at === null)).toBe(true);
      const owners = await queryAsOwner<{ tableowner: string }>(scratch.ownerUrl, `SELECT tableowner FROM pg_tables WHERE tablename = 'Note'`);
      expect(owners).toEqual([{ tableowner: 'postgres' }]);
      const grants = await queryAsOwner<{ privilege_type: string }>(
        scratch.ownerUrl,
        `SELECT privilege_type FROM information_schema.role_table_grants WHERE grantee = '${scratch.role}' AND table_name = 'Note' ORDER BY privilege_type`,
      );
      expect(grants.map((grant) => grant.privilege_type)).toEqual(['DELETE', 'INSERT', 'SELECT', 'UPDATE']);
    } finally {
      await db.close();
    }
  });
});

describe('migrateAll', () => {
  it('migrates each subgraph folder to the database its environment names and prints one line per subgraph', async () => {
    const { dir } = migrations;
    const root = await mkdtemp(path.join(tmpdir(), 'crm-db-root-'));
    const dataDir = await mkdtemp(path.join(tmpdir(), 'crm-db-data-'));
    try {
      const prismaDir = path.join(root, 'subgraphs', 'sales', 'prisma');
      await cp(dir, path.join(prismaDir, 'migrations'), { recursive: true });
      await cp(fixtureSchema, path.join(prismaDir, 'schema.prisma'));
      const lines: string[] = [];
      const applied = await migrateAll({ root, env: { DATA_DIR: dataDir }, domains: ['sales', 'customer'], log: (line) => lines.push(line) });
      expect(applied).toEqual({ sales: ['20260101120000_init', '20260101120001_row_level_security'] });
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^sales \(pglite .*\): applied 20260101120000_init, 20260101120001_row_level_security$/);
      expect(lines[1]).toBe('customer: skipped (no prisma/schema.prisma)');
      const again = await migrateAll({ root, env: { DATA_DIR: dataDir }, domains: ['sales'], log: (line) => lines.push(line) });
      expect(again).toEqual({ sales: [] });
      expect(lines[2]).toMatch(/^sales \(pglite .*\): up to date$/);
    } finally {
      await rm(root, { recursive: true });
      await rm(dataDir, { recursive: true });
    }
  });
});
