/**
 * Counts the SQL a Prisma client sends through its driver adapter, so tests and benchmarks can assert
 * "one batched query per entity type" instead of guessing.
 */
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from '@prisma/driver-adapter-utils';

/** How many statements of each kind went through one database's adapter since open (or `reset()`). */
export interface StatementStats {
  /**
   * Data statements: every query or command sent through the adapter (SELECT, INSERT, UPDATE, DELETE,
   * raw SQL, scripts), excluding transaction control and the tenant context `set_config` below.
   */
  readonly count: number;
  /** Transactions started (batch or interactive). */
  readonly transactions: number;
  /** `SELECT set_config(...)` statements (the per-transaction tenant context). */
  readonly tenantContext: number;
  /** Transaction control sent as SQL by the client: BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, SET TRANSACTION. */
  readonly control: number;
  /** SQL of the most recent data statements (at most {@link MAX_RECORDED_QUERIES}), oldest first. */
  readonly queries: readonly string[];
  /** Sets every counter back to zero and forgets the recorded queries. */
  reset(): void;
}

export const MAX_RECORDED_QUERIES = 1000;

const CONTROL = /^\s*(BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|SET\s+TRANSACTION)\b/i;
const TENANT_CONTEXT = /^\s*SELECT\s+set_config\s*\(/i;

export class StatementCounter implements StatementStats {
  count = 0;
  transactions = 0;
  tenantContext = 0;
  control = 0;
  queries: string[] = [];

  record(sql: string): void {
    if (CONTROL.test(sql)) this.control += 1;
    else if (TENANT_CONTEXT.test(sql)) this.tenantContext += 1;
    else {
      this.count += 1;
      this.queries.push(sql);
      if (this.queries.length > MAX_RECORDED_QUERIES) this.queries.splice(0, this.queries.length - MAX_RECORDED_QUERIES);
    }
  }

  reset(): void {
    this.count = 0;
    this.transactions = 0;
    this.tenantContext = 0;
    this.control = 0;
    this.queries = [];
  }
}

function countingTransaction(inner: Transaction, counter: StatementCounter): Transaction {
  const tx: Transaction = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    options: inner.options,
    queryRaw: (query: SqlQuery): Promise<SqlResultSet> => {
      counter.record(query.sql);
      return inner.queryRaw(query);
    },
    executeRaw: (query: SqlQuery): Promise<number> => {
      counter.record(query.sql);
      return inner.executeRaw(query);
    },
    commit: () => inner.commit(),
    rollback: () => inner.rollback(),
  };
  if (inner.createSavepoint) tx.createSavepoint = inner.createSavepoint.bind(inner);
  if (inner.rollbackToSavepoint) tx.rollbackToSavepoint = inner.rollbackToSavepoint.bind(inner);
  if (inner.releaseSavepoint) tx.releaseSavepoint = inner.releaseSavepoint.bind(inner);
  return tx;
}

/** Wraps a connected adapter so every statement, including those inside transactions, is counted. */
export function countingAdapter(inner: SqlDriverAdapter, counter: StatementCounter): SqlDriverAdapter {
  const adapter: SqlDriverAdapter = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (query: SqlQuery): Promise<SqlResultSet> => {
      counter.record(query.sql);
      return inner.queryRaw(query);
    },
    executeRaw: (query: SqlQuery): Promise<number> => {
      counter.record(query.sql);
      return inner.executeRaw(query);
    },
    executeScript: (script: string): Promise<void> => {
      counter.record(script);
      return inner.executeScript(script);
    },
    startTransaction: async (isolationLevel?: IsolationLevel): Promise<Transaction> => {
      counter.transactions += 1;
      return countingTransaction(await inner.startTransaction(isolationLevel), counter);
    },
    dispose: () => inner.dispose(),
  };
  if (inner.getConnectionInfo) adapter.getConnectionInfo = inner.getConnectionInfo.bind(inner);
  return adapter;
}

/** A factory whose connections count statements; shadow connections (migrations only) are not counted. */
export function countingFactory(inner: SqlMigrationAwareDriverAdapterFactory, counter: StatementCounter): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => countingAdapter(await inner.connect(), counter),
    connectToShadowDb: () => inner.connectToShadowDb(),
  };
}
