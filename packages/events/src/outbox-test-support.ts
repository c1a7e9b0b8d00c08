import { byAggregate, type EventBus } from './bus.ts';
import { createEvent, type EventEnvelope } from './envelope.ts';
import type { RawSql, TransactionalSql } from './outbox.ts';

/** The SQL Prisma generates for the `OutboxEvent` and `ProcessedEvent` models of README.md. */
export const OUTBOX_TABLES_SQL = `
CREATE TABLE "OutboxEvent" (
  "seq" BIGSERIAL NOT NULL,
  "id" UUID NOT NULL,
  "tenantId" TEXT NOT NULL,
  "type" TEXT NOT NULL,
  "version" INTEGER NOT NULL,
  "aggregateId" TEXT NOT NULL,
  "actor" JSONB NOT NULL,
  "payload" JSONB NOT NULL,
  "occurredAt" TIMESTAMPTZ(3) NOT NULL,
  "traceparent" TEXT,
  "publishedAt" TIMESTAMPTZ(3),
  CONSTRAINT "OutboxEvent_pkey" PRIMARY KEY ("seq")
);
CREATE UNIQUE INDEX "OutboxEvent_id_key" ON "OutboxEvent"("id");
CREATE INDEX "OutboxEvent_publishedAt_seq_idx" ON "OutboxEvent"("publishedAt", "seq");
CREATE TABLE "ProcessedEvent" (
  "consumer" TEXT NOT NULL,
  "eventId" UUID NOT NULL,
  "processedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "ProcessedEvent_pkey" PRIMARY KEY ("consumer", "eventId")
);
`;

/** A bus that records what it is given and can be switched off to simulate a broker outage. */
export function recordingBus() {
  /** Each event with the message key the bus would give it. */
  const published: { topic: string; event: EventEnvelope; key: string }[] = [];
  const state = { down: false, failedCalls: 0 };
  const bus: EventBus = {
    kind: 'memory',
    async publish(topic, events, options) {
      if (state.down) {
        state.failedCalls++;
        throw new Error('broker unavailable');
      }
      for (const event of events) published.push({ topic, event, key: (options?.orderingKey ?? byAggregate)(event) });
    },
    async subscribe() {
      throw new Error('not used');
    },
    consumerLag: () => [],
    async close() {},
  };
  return { bus, published, state };
}

export function sampleEvent(tenantId: string, aggregateId: string, n: number): EventEnvelope {
  return createEvent({
    type: 'sales.deal.stage_changed',
    tenantId,
    aggregateId,
    actor: { userId: 'user-1', kind: 'user' },
    payload: { n, stage: { from: 'Qualified', to: 'Won' }, note: 'quote "ok" \u00e9' },
  });
}

export async function pendingCount(db: RawSql): Promise<number> {
  const rows = await db.$queryRawUnsafe<{ n: number | bigint | string }[]>(
    `SELECT count(*)::int AS "n" FROM "OutboxEvent" WHERE "publishedAt" IS NULL`,
  );
  return Number(rows[0]?.n ?? 0);
}

export type { TransactionalSql };
