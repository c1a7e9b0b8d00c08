import { errorMessage, silentLogger, sleep, type EventBus, type EventLogger, type OrderingKey } from './bus.ts';
import type { EventEnvelope } from './envelope.ts';

/**
 * Transactional outbox. A service writes its change and the events describing it in one database
 * transaction (`appendOutbox`); the relay publishes committed rows to the bus in commit-sequence order
 * and marks them published. Consumers record what they processed (`markProcessed`) in the same
 * transaction as their effect, which makes at-least-once delivery safe to repeat.
 */

/** Minimal slice of a Prisma client (or interactive transaction) the outbox needs. */
export interface RawSql {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

/** Limits of an interactive transaction, as Prisma takes them (ms). */
export interface TransactionLimits {
  maxWait?: number;
  timeout?: number;
}

/** A client that can also open an interactive transaction (a Prisma client fits). */
export interface TransactionalSql extends RawSql {
  $transaction<T>(fn: (tx: RawSql) => Promise<T>, limits?: TransactionLimits): Promise<T>;
}

/** The relay publishes inside its transaction, so the transaction outlives the bus's publish timeout. */
const RELAY_TRANSACTION: TransactionLimits = { maxWait: 10_000, timeout: 30_000 };

const OUTBOX_COLUMNS = 9;
/** Rows per INSERT statement (PostgreSQL allows 65,535 bind parameters per statement). */
const INSERT_CHUNK = 1_000;

/** Inserts the event(s) into `"OutboxEvent"` using the caller's transaction. */
export async function appendOutbox(tx: RawSql, event: EventEnvelope | EventEnvelope[]): Promise<void> {
  const events = Array.isArray(event) ? event : [event];
  for (let start = 0; start < events.length; start += INSERT_CHUNK) {
    const chunk = events.slice(start, start + INSERT_CHUNK);
    const rows: string[] = [];
    const values: unknown[] = [];
    chunk.forEach((e, index) => {
      const p = index * OUTBOX_COLUMNS;
      rows.push(
        `($${p + 1}::uuid, $${p + 2}, $${p + 3}, $${p + 4}::int, $${p + 5}, $${p + 6}::jsonb, $${p + 7}::jsonb, $${p + 8}::timestamptz, $${p + 9})`,
      );
      values.push(
        e.id,
        e.tenantId,
        e.type,
        e.version,
        e.aggregateId,
        JSON.stringify(e.actor),
        JSON.stringify(e.payload),
        e.occurredAt,
        e.traceparent ?? null,
      );
    });
    await tx.$executeRawUnsafe(
      `INSERT INTO "OutboxEvent" ("id", "tenantId", "type", "version", "aggregateId", "actor", "payload", "occurredAt", "traceparent") VALUES ${rows.join(', ')}`,
      ...values,
    );
  }
}

/**
 * Records `eventId` as processed by `consumer` in `"ProcessedEvent"` within the caller's transaction.
 * Returns false when it was already processed (the caller then skips its effect).
 */
export async function markProcessed(tx: RawSql, consumer: string, eventId: string): Promise<boolean> {
  const inserted = await tx.$executeRawUnsafe(
    `INSERT INTO "ProcessedEvent" ("consumer", "eventId") VALUES ($1, $2::uuid) ON CONFLICT DO NOTHING`,
    consumer,
    eventId,
  );
  return Number(inserted) > 0;
}

export interface OutboxRelayOptions {
  db: TransactionalSql;
  bus: EventBus;
  topic: string;
  /**
   * What must stay in order on the topic (the Kafka message key). Default: each aggregate's events.
   * A wider key (e.g. the pipeline of a deal event) orders every event that shares it.
   */
  orderingKey?: OrderingKey;
  /** Poll interval when idle, ms. Default 250. `nudge()` after a commit publishes at once. */
  pollMs?: number;
  /** Rows published per transaction. Default 200. */
  batchSize?: number;
  /** Published rows older than this many days are deleted (at most once an hour). Default: kept. */
  retainPublishedDays?: number;
  logger?: EventLogger;
}

export interface OutboxRelay {
  start(): void;
  /** Publish now (call after a commit). */
  nudge(): void;
  /** Publishes everything pending; resolves when the outbox is empty. Rejects if the relay is stopped meanwhile. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

interface OutboxRow {
  seq: string;
  id: string;
  tenantId: string;
  type: string;
  version: number | string;
  aggregateId: string;
  actor: string;
  payload: string;
  occurredAt: string;
  traceparent: string | null;
}

type BatchResult =
  /** Another relay holds this database's lock. */
  | { kind: 'locked' }
  | { kind: 'published'; count: number }
  | { kind: 'failed'; error: unknown };

const MAX_BACKOFF_MS = 2_000;
const PRUNE_EVERY_MS = 60 * 60 * 1_000;
/** First half of the advisory-lock key: "outbox relay" (the second half identifies the topic). */
const LOCK_NAMESPACE = 0x6f757462; // 'outb'

/** 32-bit FNV-1a of the topic, as a signed int4 for `pg_try_advisory_xact_lock(int4, int4)`. */
function lockKeyOf(topic: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < topic.length; i++) {
    hash ^= topic.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

class AdvisoryLockUnsupported extends Error {}

const SELECT_PENDING = `SELECT "seq"::text AS "seq", "id"::text AS "id", "tenantId", "type", "version", "aggregateId",
  "actor"::text AS "actor", "payload"::text AS "payload", "traceparent",
  to_char("occurredAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "occurredAt"
FROM "OutboxEvent" WHERE "publishedAt" IS NULL ORDER BY "OutboxEvent"."seq" LIMIT $1 FOR UPDATE`;

function toEvent(row: OutboxRow): EventEnvelope {
  return {
    id: row.id,
    type: row.type,
    version: Number(row.version),
    tenantId: row.tenantId,
    actor: JSON.parse(row.actor) as EventEnvelope['actor'],
    aggregateId: row.aggregateId,
    occurredAt: row.occurredAt,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    ...(row.traceparent ? { traceparent: row.traceparent } : {}),
  };
}

/**
 * Publishes the outbox to `topic`. Only one relay per database publishes at a time
 * (`pg_try_advisory_xact_lock`), so replicas can all run one and per-key order still holds.
 * A failed publish rolls the batch back; the rows are retried with exponential backoff (capped at 2 s).
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { db, bus, topic } = options;
  const pollMs = options.pollMs ?? 250;
  const batchSize = options.batchSize ?? 200;
  const logger = options.logger ?? silentLogger;
  const lockKey = lockKeyOf(topic);
  let useAdvisoryLock = true;
  let running = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  let lastPrune = 0;
  /** Tail of the serialized batch runs: one batch at a time per relay. */
  let chain: Promise<unknown> = Promise.resolve();
  let scheduledRun: Promise<unknown> | undefined;

  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  }

  async function runBatch(): Promise<BatchResult> {
    try {
      return await db.$transaction(async (tx): Promise<BatchResult> => {
        if (useAdvisoryLock) {
          let acquired: boolean;
          try {
            const rows = await tx.$queryRawUnsafe<{ locked: boolean }[]>(
              `SELECT pg_try_advisory_xact_lock($1::int4, $2::int4) AS "locked"`,
              LOCK_NAMESPACE,
              lockKey,
            );
            acquired = rows[0]?.locked === true;
          } catch (error) {
            throw new AdvisoryLockUnsupported(errorMessage(error));
          }
          if (!acquired) return { kind: 'locked' };
        }
        const rows = await tx.$queryRawUnsafe<OutboxRow[]>(SELECT_PENDING, batchSize);
        if (rows.length === 0) return { kind: 'published', count: 0 };
        await bus.publish(topic, rows.map(toEvent), { orderingKey: options.orderingKey });
        const placeholders = rows.map((_, i) => `$${i + 1}::bigint`).join(', ');
        await tx.$executeRawUnsafe(
          `UPDATE "OutboxEvent" SET "publishedAt" = now() WHERE "seq" IN (${placeholders})`,
          ...rows.map((row) => row.seq),
        );
        return { kind: 'published', count: rows.length };
      }, RELAY_TRANSACTION);
    } catch (error) {
      if (error instanceof AdvisoryLockUnsupported && useAdvisoryLock) {
        // Databases without advisory locks are single-writer embedded ones: one relay is all there is.
        logger.warn({ topic, err: error.message }, 'advisory locks unavailable; outbox relay runs without them');
        useAdvisoryLock = false;
        return runBatch();
      }
      return { kind: 'failed', error };
    }
  }

  async function prune(): Promise<void> {
    const days = options.retainPublishedDays;
    if (days === undefined || Date.now() - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = Date.now();
    try {
      const deleted = await db.$executeRawUnsafe(
        `DELETE FROM "OutboxEvent" WHERE "publishedAt" < now() - make_interval(days => $1::int)`,
        days,
      );
      if (Number(deleted) > 0) logger.info({ topic, deleted: Number(deleted) }, 'pruned published outbox events');
    } catch (error) {
      logger.warn({ topic, err: errorMessage(error) }, 'outbox prune failed');
    }
  }

  /** One batch, with failure accounting; returns the delay before the next run. */
  async function step(): Promise<{ delay: number; result: BatchResult }> {
    const result = await runBatch();
    if (result.kind === 'failed') {
      failures++;
      const delay = Math.min(MAX_BACKOFF_MS, 50 * 2 ** (failures - 1));
      logger.warn({ topic, failures, retryInMs: delay, err: errorMessage(result.error) }, 'outbox publish failed; will retry');
      return { delay, result };
    }
    failures = 0;
    if (result.kind === 'locked') return { delay: pollMs, result };
    if (result.count > 0) logger.debug({ topic, count: result.count }, 'outbox events published');
    // A full batch means more may be waiting: go again at once.
    return { delay: result.count === batchSize ? 0 : pollMs, result };
  }

  function schedule(delay: number): void {
    if (!running) return;
    clearTimeout(timer);
    timer = setTimeout(tick, delay);
  }

  function tick(): void {
    timer = undefined;
    if (!running || scheduledRun) return;
    scheduledRun = exclusive(async () => {
      const { delay } = await step();
      await prune();
      return delay;
    }).then(
      (delay) => {
        scheduledRun = undefined;
        schedule(delay);
      },
      (error: unknown) => {
        scheduledRun = undefined;
        logger.error({ topic, err: errorMessage(error) }, 'outbox relay run failed');
        schedule(MAX_BACKOFF_MS);
      },
    );
  }

  return {
    start() {
      if (running || stopped) return;
      running = true;
      schedule(0);
    },

    nudge() {
      // Coalesced: a pending timer is replaced; a run in progress reschedules itself right after.
      if (!running) return;
      if (scheduledRun) {
        void scheduledRun.then(() => schedule(0));
        return;
      }
      schedule(0);
    },

    async flush() {
      for (;;) {
        if (stopped) throw new Error(`Outbox relay for ${topic} is stopped`);
        const { delay, result } = await exclusive(step);
        if (result.kind === 'published' && result.count === 0) return;
        if (result.kind !== 'published') await sleep(delay);
      }
    },

    async stop() {
      running = false;
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await chain;
    },
  };
}
