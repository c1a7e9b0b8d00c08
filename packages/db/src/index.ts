/**
 * @crm/db — database access shared by every subgraph: opening PostgreSQL or embedded PGlite, tenant
 * scoping (application filter + row-level security context), and migrations with Prisma's WASM
 * schema engine.
 */
export { APP_ROLE, deriveMigrationUrl, openDatabase, type Database, type DatabaseConfig } from './database.ts';
export { MAX_RECORDED_QUERIES, type StatementStats } from './statement-counter.ts';
export {
  assertTenantId,
  forTenant,
  withTenantTransaction,
  type TenantScopableClient,
  type TxClient,
} from './tenancy.ts';
export { applyMigrations, diffMigrations, readMigrationsList, MIGRATION_LOCK_TOML } from './migrate.ts';
export { createMigration, type CreateMigrationOptions, type CreatedMigration } from './cli/create-migration.ts';
export { databaseConfigFor, DOMAINS, migrateAll, prismaPathsOf, type DatabaseEnv, type Domain, type MigrateAllOptions } from './cli/migrate.ts';
export { generateClient } from './cli/generate-client.ts';
export { decodeKeysetCursor, encodeKeysetCursor, type KeysetPosition } from './keyset-cursor.ts';
