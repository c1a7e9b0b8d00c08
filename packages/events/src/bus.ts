import type { EventEnvelope } from './envelope.ts';

/** Where a handler's event came from, and which delivery attempt this is (1-based). */
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
  /** Delay before the 2nd attempt, doubled for each further one (capped at 5 s). Default 100 ms. */
  retryBackoffMs?: number;
}

/**
 * How a deployment tunes one of its consumers; what it leaves out keeps the consumer's own default
 * (its group name, where a new group starts) or the bus default (attempts, backoff).
 */
export interface ConsumerTuning {
  /** Consumer group. Override only to keep stacks that share one Kafka cluster (e.g. parallel test runs) apart. */
  groupId?: string;
  /** Where a group without a committed offset starts. */
  fromBeginning?: boolean;
  /** Attempts before an event is dead-lettered. */
  maxAttempts?: number;
  /** Base backoff between attempts, ms. */
  retryBackoffMs?: number;
}

/** A consumer that applies each event and says what came of it (`ignored` for events it does not handle). */
export interface ApplyingConsumer {
  groupId: string;
  topics: string[];
  /** Where a group without a committed offset starts. Default true: nothing is missed. */
  fromBeginning?: boolean;
  apply: (event: EventEnvelope) => Promise<string>;
  logger: EventLogger;
  /** Log message for each event handled (debug level), e.g. `erasure request consumed`. */
  consumed: string;
}

/**
 * Subscribes `consumer.apply` with `tuning` over the consumer's defaults, logging every event it
 * handled (not the ignored ones) with its outcome. A failure is retried by the bus and, after
 * `maxAttempts`, the event goes to the dead-letter topic so later events keep flowing.
 */
export function subscribeApplying(bus: EventBus, tuning: ConsumerTuning, consumer: ApplyingConsumer): Promise<BusSubscription> {
  const { apply, logger, consumed, fromBeginning = true, ...options } = consumer;
  return subscribeTuned(bus, tuning, {
    ...options,
    fromBeginning,
    handler: async (event, meta) => {
      const outcome = await apply(event);
      if (outcome !== 'ignored') {
        logger.debug({ eventId: event.id, type: event.type, tenantId: event.tenantId, partition: meta.partition, offset: meta.offset, outcome }, consumed);
      }
    },
  });
}

/** Subscribes with a consumer's own defaults, each overridden by what `tuning` sets. */
export function subscribeTuned(bus: EventBus, tuning: ConsumerTuning, defaults: SubscribeOptions & { fromBeginning: boolean }): Promise<BusSubscription> {
  return bus.subscribe({
    ...defaults,
    groupId: tuning.groupId ?? defaults.groupId,
    fromBeginning: tuning.fromBeginning ?? defaults.fromBeginning,
    maxAttempts: tuning.maxAttempts ?? defaults.maxAttempts,
    retryBackoffMs: tuning.retryBackoffMs ?? defaults.retryBackoffMs,
  });
}

export interface BusSubscription {
  /** Resolves once the consumer has joined its group and is receiving. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The message key of an event: events with one key land on one partition and are consumed in
 * publish order. Events with different keys have no order between them.
 */
export type OrderingKey = (event: EventEnvelope) => string;

/** The default ordering: per aggregate. */
export const byAggregate: OrderingKey = (event) => event.aggregateId;

export interface PublishOptions {
  /** Default {@link byAggregate}. */
  orderingKey?: OrderingKey;
}

/** Kafka (kafkajs) in production and tests; in-process for the embedded start. Same semantics. */
export interface EventBus {
  readonly kind: 'kafka' | 'memory';
  /** Publishes keyed by `options.orderingKey` (default: aggregate id). */
  publish(topic: string, events: EventEnvelope[], options?: PublishOptions): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<BusSubscription>;
  /** Messages each consumer group of this bus still has to read, per partition (as of its last fetch). */
  consumerLag(): ConsumerLag[];
  close(): Promise<void>;
}

export interface ConsumerLag {
  groupId: string;
  topic: string;
  partition: number;
  lag: number;
}

/** Structured logger the event code writes to; a pino `Logger` fits. */
export interface EventLogger {
  debug(attributes: Record<string, unknown>, message: string): void;
  info(attributes: Record<string, unknown>, message: string): void;
  warn(attributes: Record<string, unknown>, message: string): void;
  error(attributes: Record<string, unknown>, message: string): void;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_RETRY_BACKOFF_MS = 100;
const MAX_RETRY_BACKOFF_MS = 5_000;

/** Delay before attempt `attempt + 1` after attempt `attempt` failed. */
export function retryDelay(attempt: number, baseMs: number): number {
  return Math.min(MAX_RETRY_BACKOFF_MS, baseMs * 2 ** (attempt - 1));
}

/** A logger that drops everything (the default: nothing goes to stdout). */
export const silentLogger: EventLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
