import type { SqlDriverAdapter, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import { describe, expect, it } from 'vitest';
import { countingAdapter, MAX_RECORDED_QUERIES, StatementCounter } from './statement-counter.ts';

const query = (sql: string): SqlQuery => ({ sql, args: [], argTypes: [] });

function fakeAdapter(sent: string[]): SqlDriverAdapter {
  const tx: Transaction = {
    provider: 'postgres',
    adapterName: 'fake',
    options: { usePhantomQuery: false },
    queryRaw: async (q) => (sent.push(q.sql), { columnNames: [], columnTypes: [], rows: [] }),
    executeRaw: async (q) => (sent.push(q.sql), 1),
    commit: async () => {},
    rollback: async () => {},
  };
  return {
    provider: 'postgres',
    adapterName: 'fake',
    queryRaw: tx.queryRaw,
    executeRaw: tx.executeRaw,
    executeScript: async (script) => void sent.push(script),
    startTransaction: async () => tx,
    dispose: async () => {},
  };
}

describe('StatementCounter', () => {
  it('separates data statements from transaction control and the tenant context', () => {
    const counter = new StatementCounter();
    for (const sql of ['BEGIN', 'SELECT set_config($1, $2, true)', 'SELECT 1', ' commit', 'ROLLBACK', 'SAVEPOINT s1', 'RELEASE SAVEPOINT s1', 'INSERT INTO t VALUES (1)']) {
      counter.record(sql);
    }
    expect({ count: counter.count, control: counter.control, tenantContext: counter.tenantContext }).toEqual({ count: 2, control: 5, tenantContext: 1 });
    expect(counter.queries).toEqual(['SELECT 1', 'INSERT INTO t VALUES (1)']);
    counter.reset();
    expect({ count: counter.count, control: counter.control, tenantContext: counter.tenantContext, queries: counter.queries }).toEqual({
      count: 0,
      control: 0,
      tenantContext: 0,
      queries: [],
    });
  });

  it('keeps only the most recent queries', () => {
    const counter = new StatementCounter();
    for (let i = 0; i < MAX_RECORDED_QUERIES + 5; i += 1) counter.record(`SELECT ${i}`);
    expect(counter.count).toBe(MAX_RECORDED_QUERIES + 5);
    expect(counter.queries).toHaveLength(MAX_RECORDED_QUERIES);
    expect(counter.queries[0]).toBe('SELECT 5');
  });
});

describe('countingAdapter', () => {
  it('counts statements sent directly and inside transactions, and passes them through', async () => {
    const sent: string[] = [];
    const counter = new StatementCounter();
    const adapter = countingAdapter(fakeAdapter(sent), counter);
    await adapter.queryRaw(query('SELECT 1'));
    const tx = await adapter.startTransaction();
    await tx.executeRaw(query('SELECT set_config($1, $2, true)'));
    await tx.queryRaw(query('SELECT 2'));
    await tx.executeRaw(query('COMMIT'));
    await tx.commit();
    expect(sent).toEqual(['SELECT 1', 'SELECT set_config($1, $2, true)', 'SELECT 2', 'COMMIT']);
    expect({ count: counter.count, transactions: counter.transactions, tenantContext: counter.tenantContext, control: counter.control }).toEqual({
      count: 2,
      transactions: 1,
      tenantContext: 1,
      control: 1,
    });
  });
});
