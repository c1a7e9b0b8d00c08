import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { appendOutbox, createOutboxRelay, markProcessed, type RawSql, type TransactionalSql } from './outbox.ts';
import { OUTBOX_TABLES_SQL, pendingCount, recordingBus, sampleEvent } from './outbox-test-support.ts';

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const topic = 'crm.sales.events';
const cleanups: (() => Promise<void>)[] = [];

/** The slice of a Prisma client the outbox uses, on top of `pg` (Prisma clients fit the same interface). */
function pgClient(pool: pg.Pool): TransactionalSql {
  const on = (client: pg.Pool | pg.PoolClient): RawSql => ({
    async $executeRawUnsafe(query: string, ...values: unknown[]) {
      return (await client.query(query, values)).rowCount ?? 0;
    },
    async $queryRawUnsafe<T>(query: string, ...values: unknown[]) {
      return (await client.query(query, values)).rows as T;
    },
  });
  return {
    ...on(pool),
    async $transaction<T>(fn: (tx: RawSql) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(on(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

/** A fresh database with the two outbox tables, dropped after the file. */
async function scratchDatabase(): Promise<TransactionalSql> {
  const name = `crm_events_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:5432/${name}`, max: 6 });
  await pool.query(OUTBOX_TABLES_SQL);
  cleanups.push(async () => {
    await pool.end();
    const dropper = new pg.Client({ connectionString: ADMIN_URL });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await dropper.end();
  });
  return pgClient(pool);
}

afterAll(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup()));
});

describe('outbox on PostgreSQL', () => {
  it('publishes committed rows exactly once, in order, with two relays on one database', async () => {
    const db = await scratchDatabase();
    const tenantId = randomUUID();
    const events = Array.from({ length: 120 }, (_, i) => sampleEvent(tenantId, `deal-${i % 7}`, i));
    // Several writes, each committing its events; a rolled-back write leaves nothing behind.
    for (let i = 0; i < events.length; i += 30) {
      await db.$transaction((tx) => appendOutbox(tx, events.slice(i, i + 30)));
    }
    await expect(
      db.$transaction(async (tx) => {
        await appendOutbox(tx, sampleEvent(tenantId, 'deal-x', -1));
        throw new Error('write failed');
      }),
    ).rejects.toThrow('write failed');

    const { bus, published } = recordingBus();
    const relays = [1, 2].map(() => createOutboxRelay({ db, bus, topic, pollMs: 10, batchSize: 25 }));
    relays.forEach((relay) => relay.start());
    relays.forEach((relay) => relay.nudge());
    await Promise.all(relays.map((relay) => relay.flush()));
    await Promise.all(relays.map((relay) => relay.stop()));

    expect(published.map((p) => p.topic)).toEqual(events.map(() => topic));
    expect(published.map((p) => p.event)).toEqual(events);
    expect(await pendingCount(db)).toBe(0);
  });

  it('keeps rows while the bus is down and publishes them once it recovers', async () => {
    const db = await scratchDatabase();
    const tenantId = randomUUID();
    const events = Array.from({ length: 10 }, (_, i) => sampleEvent(tenantId, `deal-${i % 2}`, i));
    const { bus, published, state } = recordingBus();
    state.down = true;
    const relay = createOutboxRelay({ db, bus, topic, pollMs: 10 });
    relay.start();
    await db.$transaction((tx) => appendOutbox(tx, events));
    relay.nudge();
    while (state.failedCalls < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(published).toEqual([]);
    expect(await pendingCount(db)).toBe(events.length);

    state.down = false;
    await relay.flush();
    await relay.stop();
    expect(published.map((p) => p.event.id)).toEqual(events.map((e) => e.id));
    expect(await pendingCount(db)).toBe(0);
  });

  it('markProcessed records an event once per consumer, atomically with the effect', async () => {
    const db = await scratchDatabase();
    const eventId = randomUUID();
    await expect(
      db.$transaction(async (tx) => {
        expect(await markProcessed(tx, 'analytics.pipeline', eventId)).toBe(true);
        throw new Error('effect failed');
      }),
    ).rejects.toThrow('effect failed');
    // The rolled-back effect did not consume the event.
    expect(await db.$transaction((tx) => markProcessed(tx, 'analytics.pipeline', eventId))).toBe(true);
    expect(await db.$transaction((tx) => markProcessed(tx, 'analytics.pipeline', eventId))).toBe(false);
    expect(await db.$transaction((tx) => markProcessed(tx, 'integration.webhooks', eventId))).toBe(true);
  });

  it('stop() waits for the batch in flight, and a stopped relay publishes nothing more', async () => {
    const db = await scratchDatabase();
    const tenantId = randomUUID();
    let release!: () => void;
    let entered!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const publishing = new Promise<void>((resolve) => (entered = resolve));
    const seen: string[] = [];
    const relay = createOutboxRelay({
      db,
      topic,
      pollMs: 10,
      bus: {
        kind: 'memory',
        async publish(_topic, events) {
          entered();
          await gate;
          seen.push(...events.map((e) => e.id));
        },
        async subscribe() {
          throw new Error('not used');
        },
        consumerLag: () => [],
        async close() {},
      },
    });
    const first = sampleEvent(tenantId, 'deal-1', 1);
    await db.$transaction((tx) => appendOutbox(tx, first));
    relay.start();
    await publishing;
    const stopping = relay.stop();
    release();
    await stopping;
    expect(seen).toEqual([first.id]);
    expect(await pendingCount(db)).toBe(0);

    await db.$transaction((tx) => appendOutbox(tx, sampleEvent(tenantId, 'deal-1', 2)));
    relay.nudge();
    await expect(relay.flush()).rejects.toThrow(/stopped/);
    expect(await pendingCount(db)).toBe(1);
  });
});
