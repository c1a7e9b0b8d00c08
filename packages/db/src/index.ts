/**
 * @crm/db — database access shared by every subgraph.
 *
 * CONTRACT (implementation in progress; signatures are fixed, others code against them):
 */
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

/** Where a subgraph's database lives. */
export type DatabaseConfig =
  /** Real PostgreSQL. `url` connects as the application role (no BYPASSRLS); `migrationUrl` as the owner. */
  | { kind: 'postgres'; url: string; migrationUrl?: string }
  /** Embedded PGlite; `dataDir` is a folder (e.g. `.data/sales`) or `memory://`. */
  | { kind: 'pglite'; dataDir: string };

export interface Database {
  /** Pass to `new PrismaClient({ adapter })`. */
  adapter: SqlMigrationAwareDriverAdapterFactory;
  config: DatabaseConfig;
  /** Applies `migrationsDir` (Prisma layout) with the WASM schema engine; returns applied names. */
  migrate(migrationsDir: string, schemaPath: string): Promise<string[]>;
  /** Counts SQL statements sent (for tests and benchmarks). */
  readonly statements: { count: number };
  close(): Promise<void>;
}

export declare function openDatabase(config: DatabaseConfig): Promise<Database>;

/**
 * Structural type of a Prisma client (any generated one). `forTenant` returns the same client type,
 * extended so every model operation runs in a transaction that first runs
 * `select set_config('app.tenant_id', $tenantId, true)` and has `tenantId` added to where/data.
 */
export declare function forTenant<C>(prisma: C, tenantId: string): C;

/** Interactive transaction with `app.tenant_id` set; use for writes plus their outbox events. */
export declare function withTenantTransaction<C, T>(prisma: C, tenantId: string, fn: (tx: TxClient<C>) => Promise<T>): Promise<T>;

export type TxClient<C> = Omit<C, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;
