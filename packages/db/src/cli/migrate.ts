/**
 * `pnpm db:migrate [domain]`: applies every subgraph's `prisma/migrations` to its database.
 *
 * Per domain: PostgreSQL when `DATABASE_URL_<DOMAIN>` is set (migrating as `MIGRATION_DATABASE_URL_<DOMAIN>`,
 * default the same URL as user `postgres`), otherwise embedded PGlite in `${DATA_DIR:-.data}/<domain>`.
 * Do not run it against a PGlite folder that a running process has open.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { openDatabase, type DatabaseConfig } from '../database.ts';
import { isMain, repoRoot } from './paths.ts';

export const DOMAINS = ['customer', 'sales', 'analytics', 'platform', 'integration'] as const;
export type Domain = (typeof DOMAINS)[number];

export function isDomain(value: string): value is Domain {
  return (DOMAINS as readonly string[]).includes(value);
}

/** Environment read by {@link databaseConfigFor}. */
export type DatabaseEnv = Readonly<Record<string, string | undefined>>;

/** Where `domain`'s database is, from `DATABASE_URL_<DOMAIN>`, `MIGRATION_DATABASE_URL_<DOMAIN>` and `DATA_DIR`. */
export function databaseConfigFor(domain: Domain, env: DatabaseEnv): DatabaseConfig {
  const key = domain.toUpperCase();
  const url = env[`DATABASE_URL_${key}`];
  if (url) {
    const migrationUrl = env[`MIGRATION_DATABASE_URL_${key}`];
    return migrationUrl ? { kind: 'postgres', url, migrationUrl } : { kind: 'postgres', url };
  }
  return { kind: 'pglite', dataDir: path.resolve(env.DATA_DIR || '.data', domain) };
}

/** A subgraph's Prisma schema and migrations folder. */
export function prismaPathsOf(domain: Domain, root = repoRoot()): { schemaPath: string; migrationsDir: string } {
  const prismaDir = path.join(root, 'subgraphs', domain, 'prisma');
  return { schemaPath: path.join(prismaDir, 'schema.prisma'), migrationsDir: path.join(prismaDir, 'migrations') };
}

export interface MigrateAllOptions {
  /** Default: all five. */
  domains?: readonly Domain[];
  /** Default: the process environment. */
  env?: DatabaseEnv;
  /** Repository root holding `subgraphs/`. */
  root?: string;
  /** One line per subgraph. Default: stdout. */
  log?: (line: string) => void;
}

/** Migrates each domain in turn; returns the migrations applied now per domain (skipped ones absent). */
export async function migrateAll(options: MigrateAllOptions = {}): Promise<Partial<Record<Domain, string[]>>> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const applied: Partial<Record<Domain, string[]>> = {};
  for (const domain of options.domains ?? DOMAINS) {
    const { schemaPath, migrationsDir } = prismaPathsOf(domain, options.root);
    const present = await access(schemaPath).then(() => true, () => false);
    if (!present) {
      log(`${domain}: skipped (no prisma/schema.prisma)`);
      continue;
    }
    const config = databaseConfigFor(domain, env);
    const db = await openDatabase(config);
    try {
      const names = await db.migrate(migrationsDir, schemaPath);
      applied[domain] = names;
      const where = config.kind === 'postgres' ? 'postgres' : `pglite ${path.relative(process.cwd(), config.dataDir) || '.'}`;
      log(`${domain} (${where}): ${names.length ? `applied ${names.join(', ')}` : 'up to date'}`);
    } catch (error) {
      throw new Error(`${domain}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      await db.close();
    }
  }
  return applied;
}

async function main(argv: string[]): Promise<void> {
  const [only] = argv;
  if (only !== undefined && !isDomain(only)) {
    process.stderr.write(`Unknown subgraph "${only}". Usage: pnpm db:migrate [${DOMAINS.join('|')}]\n`);
    process.exit(2);
  }
  await migrateAll(only ? { domains: [only] } : {});
}

if (isMain(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
