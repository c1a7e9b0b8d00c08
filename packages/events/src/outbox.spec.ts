import { randomUUID } from 'node:crypto';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessBus } from './in-process-bus.ts';
import { appendOutbox, createOutboxRelay, markProcessed, type RawSql, type TransactionalSql } from './outbox.ts';
import { OUTBOX_TABLES_SQL, pendingCount, recordingBus, sampleEvent } from './outbox-test-support.ts';
import type { EventEnvelope } from './envelope.ts';

/** The outbox's slice of a Prisma client, on top of embedded PGlite (the embedded start's database). */
function pgliteClient(db: PGlite): TransactionalSql {
  const on = (client: PGlite | Transaction): RawSql => ({
    async $executeRawUnsafe(query: string, ...values: unknown[]) {
      return (await client.query(query, values)).affectedRows ?? 0;
    },
    async $queryRawUnsafe<T>(query: string, ...values: unknown[]) {
      return (await client.query(query, values)).rows as T;
    },
  });
  return { ...on(db), $transaction: (fn) => db.transaction((tx) => fn(on(tx))) };
}

/** One embedded database per file (starting PGlite takes seconds); each test gets its own schema. */
let pglite: PGlite;
beforeAll(async () => {
  pglite = await PGlite.create('memory://');
});
afterAll(async () => {
  await pglite.close();
});

async function embeddedDatabase(): Promise<TransactionalSql> {
  const schema = `t_${randomUUID().replaceAll('-', '')}`;
  // PGlite has a single session and this file's tests run one after another.
  await pglite.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}; ${OUTBOX_TABLES_SQL}`);
  return pgliteClient(pglite);
}

describe('outbox on PGlite', () => {
  it('relays committed events to the in-process bus in order', async () => {
    const db = await embeddedDatabase();
    const tenantId = randomUUID();
    const bus = createInProcessBus();
    const received: EventEnvelope[] = [];
    await bus.subscribe({ groupId: 'audit', topics: ['crm.customer.events'], handler: async (e) => void received.push(e) });
    const relay = createOutboxRelay({ db, bus, topic: 'crm.customer.events', pollMs: 10, batchSize: 7 });
    relay.start();
    const events = Array.from({ length: 20 }, (_, i) => sampleEvent(tenantId, 'contact-1', i));
    for (const e of events) {
      await db.$transaction((tx) => appendOutbox(tx, e));
      relay.nudge();
    }
    await relay.flush();
    await relay.stop();
    while (received.length < events.length) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(received).toEqual(events);
    expect(await pendingCount(db)).toBe(0);
    await bus.close();
  });

  it('retries after a failed publish without losing or duplicating events', async () => {
    const db = await embeddedDatabase();
    const { bus, published, state } = recordingBus();
    const events = Array.from({ length: 3 }, (_, i) => sampleEvent(randomUUID(), 'deal-1', i));
    await db.$transaction((tx) => appendOutbox(tx, events));
    state.down = true;
    const relay = createOutboxRelay({ db, bus, topic: 'crm.sales.events', pollMs: 10 });
    relay.start();
    while (state.failedCalls < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await pendingCount(db)).toBe(3);
    state.down = false;
    await relay.flush();
    await relay.stop();
    expect(published.map((p) => p.event)).toEqual(events);
  });

  it("publishes each event under the relay's ordering key (default: its aggregate)", async () => {
    const db = await embeddedDatabase();
    const { bus, published } = recordingBus();
    const tenantId = randomUUID();
    const events = [sampleEvent(tenantId, 'deal-1', 0), sampleEvent(tenantId, 'deal-2', 1)];
    await db.$transaction((tx) => appendOutbox(tx, events));
    const keyed = createOutboxRelay({ db, bus, topic: 'crm.sales.events', pollMs: 10, orderingKey: (e) => `board:${e.tenantId}` });
    await keyed.flush();
    await keyed.stop();
    expect(published.map((p) => p.key)).toEqual([`board:${tenantId}`, `board:${tenantId}`]);

    await db.$transaction((tx) => appendOutbox(tx, sampleEvent(tenantId, 'deal-3', 2)));
    const plain = createOutboxRelay({ db, bus, topic: 'crm.sales.events', pollMs: 10 });
    await plain.flush();
    await plain.stop();
    expect(published.at(-1)?.key).toBe('deal-3');
  });

  it('markProcessed is idempotent per consumer', async () => {
    const db = await embeddedDatabase();
    const eventId = randomUUID();
    expect(await markProcessed(db, 'search.index', eventId)).toBe(true);
    expect(await markProcessed(db, 'search.index', eventId)).toBe(false);
    expect(await markProcessed(db, 'platform.audit', eventId)).toBe(true);
  });
});
