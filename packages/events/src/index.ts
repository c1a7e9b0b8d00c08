/**
 * @crm/events — event envelope, transactional outbox, Kafka relay and idempotent consumers.
 *
 * CONTRACT (implementation in progress; signatures are fixed, others code against them):
 */

/** Envelope of every domain event (BRIEF.md). `type` is `<domain>.<aggregate>.<past_tense>`. */
export interface EventEnvelope<P = Record<string, unknown>> {
  id: string; // uuid
  type: string; // e.g. 'sales.deal.stage_changed'
  version: number; // schema version of `payload`
  tenantId: string;
  actor: { userId: string | null; kind: 'user' | 'system' | 'apikey' };
  aggregateId: string;
  occurredAt: string; // ISO-8601
  payload: P;
}

export declare function createEvent<P extends Record<string, unknown>>(
  input: Omit<EventEnvelope<P>, 'id' | 'occurredAt' | 'version'> & { version?: number; occurredAt?: Date },
): EventEnvelope<P>;

/** Kafka topic of a domain's events: `crm.<domain>.events`; dead letters: `<topic>.dlq`. */
export declare function topicOf(domain: 'customer' | 'sales' | 'analytics' | 'platform' | 'integration'): string;

export interface EventHandlerMeta {
  topic: string;
  partition: number;
  offset: string;
  attempt: number;
}

export interface SubscribeOptions {
  /** Consumer group. Each group gets every event once (at least once). */
  groupId: string;
  topics: string[];
  /** Start from the earliest offset when the group has none. Default true. */
  fromBeginning?: boolean;
  handler: (event: EventEnvelope, meta: EventHandlerMeta) => Promise<void>;
  /** Attempts before the event goes to the dead-letter topic. Default 5. */
  maxAttempts?: number;
}

export interface BusSubscription {
  /** Resolves once the consumer has joined its group and is receiving. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/** Kafka (kafkajs) in production and tests; in-process for the embedded start. Same semantics. */
export interface EventBus {
  readonly kind: 'kafka' | 'memory';
  /** Publishes with message key = aggregateId (per-aggregate order). */
  publish(topic: string, events: EventEnvelope[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<BusSubscription>;
  close(): Promise<void>;
}

export declare function createKafkaBus(options: { brokers: string[]; clientId: string; logger?: unknown }): EventBus;
export declare function createInProcessBus(): EventBus;

/** Minimal slice of a Prisma client (or interactive transaction) the outbox needs. */
export interface RawSql {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

/** Inserts the event into `"OutboxEvent"` using the caller's transaction. */
export declare function appendOutbox(tx: RawSql, event: EventEnvelope | EventEnvelope[]): Promise<void>;

/**
 * Records `eventId` as processed by `consumer` in `"ProcessedEvent"` within the caller's transaction.
 * Returns false when it was already processed (the caller then skips its effect).
 */
export declare function markProcessed(tx: RawSql, consumer: string, eventId: string): Promise<boolean>;

export interface OutboxRelayOptions {
  db: RawSql & { $transaction<T>(fn: (tx: RawSql) => Promise<T>): Promise<T> };
  bus: EventBus;
  topic: string;
  /** Poll interval when idle, ms. Default 250. `nudge()` after a commit publishes at once. */
  pollMs?: number;
  batchSize?: number;
  logger?: unknown;
}

export interface OutboxRelay {
  start(): void;
  /** Publish now (call after a commit). */
  nudge(): void;
  /** Publishes everything pending; resolves when the outbox is empty. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export declare function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay;
