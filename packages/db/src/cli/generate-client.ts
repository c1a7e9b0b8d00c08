/**
 * Generates a Prisma client from the current folder (a subgraph): `prisma generate --schema
 * prisma/schema.prisma` (or the schema given as first argument). Generation needs no schema engine, but
 * the Prisma CLI insists one exists, so `PRISMA_SCHEMA_ENGINE_BINARY` points at `/bin/true` unless set;
 * nothing is downloaded. Exits non-zero when generation fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isMain } from './paths.ts';

/** Runs `prisma generate` in `cwd`; throws when it fails. */
export function generateClient(options: { cwd?: string; schemaPath?: string } = {}): void {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const schemaPath = path.resolve(cwd, options.schemaPath ?? 'prisma/schema.prisma');
  if (!existsSync(schemaPath)) throw new Error(`No Prisma schema at ${schemaPath}`);
  // Prefer the CLI installed for this folder; fall back to the one @crm/db depends on.
  const cli = [path.join(cwd, 'package.json'), import.meta.url]
    .map((from) => {
      try {
        return path.join(path.dirname(createRequire(from).resolve('prisma/package.json')), 'build', 'index.js');
      } catch {
        return undefined;
      }
    })
    .find((candidate) => candidate !== undefined && existsSync(candidate));
  if (!cli) throw new Error(`The prisma CLI is not installed for ${cwd}`);
  const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || '/bin/true' };
  const result = spawnSync(process.execPath, [cli, 'generate', '--schema', schemaPath], { cwd, env, stdio: 'inherit' });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`prisma generate failed for ${schemaPath} (exit ${result.status ?? result.signal})`);
}

if (isMain(import.meta.url)) {
  try {
    generateClient({ schemaPath: process.argv[2] });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
