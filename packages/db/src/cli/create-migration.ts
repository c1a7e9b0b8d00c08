/**
 * `pnpm db:migration <subgraph> <name>`: writes the SQL that brings a subgraph's migrations up to its
 * `prisma/schema.prisma` as a new Prisma migration (`prisma/migrations/<yyyyMMddHHmmss>_<name>/`).
 * The existing migrations are replayed on an in-memory PGlite shadow database; no server is needed.
 * Prints "no changes" and writes nothing when the schema matches the migrations.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { diffMigrations, MIGRATION_LOCK_TOML } from '../migrate.ts';
import { createMemoryPglite, pgliteAdapterFactory } from '../pglite.ts';
import { isMain, repoRoot } from './paths.ts';

export interface CreateMigrationOptions {
  /** The Prisma schema the new migration leads to. */
  schemaPath: string;
  /** The Prisma migrations folder (created if missing). */
  migrationsDir: string;
  /** Free text; reduced to `[a-z0-9_]` like Prisma does. */
  name: string;
  /** Clock for the folder's timestamp (UTC). */
  now?: Date;
}

export interface CreatedMigration {
  /** Folder name, `<yyyyMMddHHmmss>_<name>`. */
  name: string;
  /** Absolute path of the written `migration.sql`. */
  file: string;
  sql: string;
}

/** `yyyyMMddHHmmss` in UTC, as Prisma names migration folders. */
export function migrationTimestamp(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

export function migrationSlug(name: string): string {
  const slug = name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 200);
  if (!slug) throw new Error(`Invalid migration name "${name}": use letters, digits and underscores`);
  return slug;
}

/** Creates the next migration, or returns null when there is nothing to migrate. */
export async function createMigration(options: CreateMigrationOptions): Promise<CreatedMigration | null> {
  const slug = migrationSlug(options.name);
  const migrationsDir = path.resolve(options.migrationsDir);
  const pglite = await createMemoryPglite();
  let sql: string;
  try {
    sql = await diffMigrations(pgliteAdapterFactory(pglite), migrationsDir, path.resolve(options.schemaPath));
  } finally {
    await pglite.close();
  }
  if (!sql) return null;
  const name = `${migrationTimestamp(options.now ?? new Date())}_${slug}`;
  const dir = path.join(migrationsDir, name);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'migration.sql');
  await writeFile(file, sql);
  await writeFile(path.join(migrationsDir, 'migration_lock.toml'), MIGRATION_LOCK_TOML);
  return { name, file, sql };
}

async function main(argv: string[]): Promise<void> {
  const [subgraph, name] = argv;
  if (!subgraph || !name) {
    process.stderr.write('Usage: pnpm db:migration <subgraph> <name>\n');
    process.exit(2);
  }
  const prismaDir = path.join(repoRoot(), 'subgraphs', subgraph, 'prisma');
  if (!existsSync(path.join(prismaDir, 'schema.prisma'))) {
    process.stderr.write(`No Prisma schema at ${path.join(prismaDir, 'schema.prisma')}\n`);
    process.exit(2);
  }
  const created = await createMigration({
    schemaPath: path.join(prismaDir, 'schema.prisma'),
    migrationsDir: path.join(prismaDir, 'migrations'),
    name,
  });
  process.stdout.write(created ? `${subgraph}: created ${path.relative(process.cwd(), created.file)}\n` : `${subgraph}: no changes\n`);
}

if (isMain(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
