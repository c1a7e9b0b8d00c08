import {
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type Consumer,
  type ConsumerRunConfig,
  type IHeaders,
  type KafkaMessage,
  type LogEntry,
  type Producer,
} from 'kafkajs';
import {
  byAggregate,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_RETRY_BACKOFF_MS,
  errorMessage,
  retryDelay,
  silentLogger,
  sleep,
  type BusSubscription,
  type ConsumerLag,
  type EventBus,
  type EventLogger,
  type SubscribeOptions,
} from './bus.ts';
import { dlqTopicOf, parseEvent, serializeEvent, traceConsume, type EventEnvelope } from './envelope.ts';

/**
 * Kafka event bus (kafkajs). Messages are JSON envelopes keyed by their ordering key (by default
 * the aggregate id), so the events of one key land on one partition and stay in order. Producing uses `acks: -1` (all in-sync replicas)
 * with one request in flight per broker, so a retried request cannot overtake the next one.
 * The kafkajs idempotent producer is not used: it is experimental in kafkajs and can wedge after a
 * broker restart; duplicates from retries are harmless because every consumer is idempotent.
 */
export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  logger?: EventLogger;
  /** A publish that has not been acknowledged by then rejects (so the outbox retries it). Default 10,000 ms. */
  publishTimeoutMs?: number;
  /** Partitions of topics this bus creates. Default 3. */
  partitions?: number;
  /** Fetch long-poll wait; bounds how long `ready` waits for the first fetch. Default 500 ms. */
  maxWaitTimeInMs?: number;
  /**
   * For environments that share one Kafka cluster (staging next to production, parallel test runs):
   * `suffix` is appended to every consumer group id (e.g. `.staging`, so `sales.lead-conversion`
   * becomes `sales.lead-conversion.staging`), and `newGroupsStart: 'latest'` makes a group that has
   * no committed offsets yet start at the end of its topics instead of replaying their history,
   * whatever the subscription asked. `'earliest'` (default) keeps each subscription's own choice.
   * A group that has committed offsets always resumes from them.
   */
  consumerGroups?: {
    /** Appended to every consumer group id. Default none. */
    suffix?: string;
    /** Where a group without committed offsets starts. Default `'earliest'` (as each subscription asks). */
    newGroupsStart?: 'earliest' | 'latest';
  };
}

/** Headers on every message, so tools can route without parsing the body. */
export const EVENT_HEADERS = {
  type: 'event-type',
  tenant: 'tenant-id',
  id: 'event-id',
  version: 'event-version',
} as const;

/** Headers the bus adds to a message it moves to `<topic>.dlq`. */
export const DLQ_HEADERS = {
  reason: 'dlq-reason',
  error: 'dlq-error',
  attempts: 'dlq-attempts',
  groupId: 'dlq-group-id',
  topic: 'dlq-topic',
  partition: 'dlq-partition',
  offset: 'dlq-offset',
  failedAt: 'dlq-failed-at',
} as const;

const RESTART_AFTER_CRASH_MS = 2_000;

class DeliveryAbandoned extends Error {
  override readonly name = 'DeliveryAbandoned';
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Routes kafkajs' own logs (warn and above) to our logger; nothing is written to stdout. */
function logCreatorFor(logger: EventLogger) {
  return () =>
    ({ namespace, level, log }: LogEntry): void => {
      const { message, timestamp: _timestamp, ...attributes } = log;
      const entry = { component: 'kafkajs', namespace, ...attributes };
      if (level === logLevel.ERROR || level === logLevel.NOTHING) logger.error(entry, message);
      else logger.warn(entry, message);
    };
}

export function createKafkaBus(options: KafkaBusOptions): EventBus {
  const logger = options.logger ?? silentLogger;
  const publishTimeoutMs = options.publishTimeoutMs ?? 10_000;
  const partitions = options.partitions ?? 3;
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    logCreator: logCreatorFor(logger),
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 5 },
  });
  const producer: Producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    maxInFlightRequests: 1,
    retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 5 },
  });
  let producerReady: Promise<void> | undefined;
  let admin: Admin | undefined;
  let adminReady: Promise<void> | undefined;
  const knownTopics = new Map<string, Promise<void>>();
  const subscriptions = new Set<BusSubscription>();
  /** Lag per `group\u0000topic\u0000partition`, from each consumer's last batch. */
  const lags = new Map<string, ConsumerLag>();
  let closed = false;

  producer.on(producer.events.DISCONNECT, () => {
    producerReady = undefined;
  });

  function connectProducer(): Promise<void> {
    producerReady ??= producer.connect().catch((error: unknown) => {
      producerReady = undefined;
      throw error;
    });
    return producerReady;
  }

  function connectAdmin(): Promise<Admin> {
    admin ??= kafka.admin({ retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 5 } });
    const client = admin;
    adminReady ??= client.connect().catch((error: unknown) => {
      adminReady = undefined;
      throw error;
    });
    return adminReady.then(() => client);
  }

  /** Creates missing topics (and tolerates ones that already exist); remembered per bus. */
  function ensureTopics(topics: string[]): Promise<void> {
    const missing = [...new Set(topics)].filter((topic) => !knownTopics.has(topic));
    if (missing.length > 0) {
      const created = (async () => {
        const client = await connectAdmin();
        await client.createTopics({
          topics: missing.map((topic) => ({ topic, numPartitions: partitions })),
          waitForLeaders: true,
        });
      })();
      const bounded = withTimeout(created, publishTimeoutMs, `creating topics ${missing.join(', ')}`);
      for (const topic of missing) {
        knownTopics.set(
          topic,
          bounded.catch((error: unknown) => {
            knownTopics.delete(topic);
            throw error;
          }),
        );
      }
    }
    return Promise.all(topics.map((topic) => knownTopics.get(topic) ?? Promise.resolve())).then(() => undefined);
  }

  async function send(topic: string, messages: { key: string | Buffer | null; value: string | Buffer | null; headers: IHeaders }[]) {
    await withTimeout(
      (async () => {
        await connectProducer();
        await producer.send({ topic, acks: -1, timeout: publishTimeoutMs, messages });
      })(),
      publishTimeoutMs,
      `publishing ${messages.length} message(s) to ${topic}`,
    );
  }

  async function deadLetter(
    groupId: string,
    topic: string,
    partition: number,
    message: KafkaMessage,
    reason: 'malformed' | 'handler-failed',
    error: unknown,
    attempts: number,
  ): Promise<void> {
    const dlqTopic = dlqTopicOf(topic);
    await ensureTopics([dlqTopic]);
    await send(dlqTopic, [
      {
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          [DLQ_HEADERS.reason]: reason,
          [DLQ_HEADERS.error]: errorMessage(error).slice(0, 2_000),
          [DLQ_HEADERS.attempts]: String(attempts),
          [DLQ_HEADERS.groupId]: groupId,
          [DLQ_HEADERS.topic]: topic,
          [DLQ_HEADERS.partition]: String(partition),
          [DLQ_HEADERS.offset]: message.offset,
          [DLQ_HEADERS.failedAt]: new Date().toISOString(),
        },
      },
    ]);
    logger.error({ groupId, topic, partition, offset: message.offset, reason, attempts, err: errorMessage(error) }, 'event dead-lettered');
  }

  async function subscribe(subscribeOptions: SubscribeOptions): Promise<BusSubscription> {
    if (closed) throw new Error('Event bus is closed');
    const { topics, handler } = subscribeOptions;
    const groupId = subscribeOptions.groupId + (options.consumerGroups?.suffix ?? '');
    const fromBeginning = options.consumerGroups?.newGroupsStart === 'latest' ? false : (subscribeOptions.fromBeginning ?? true);
    const maxAttempts = subscribeOptions.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const backoffMs = subscribeOptions.retryBackoffMs ?? DEFAULT_RETRY_BACKOFF_MS;
    await ensureTopics([...topics, ...topics.map(dlqTopicOf)]);

    const consumer: Consumer = kafka.consumer({
      groupId,
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 500,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 10, restartOnFailure: async () => true },
    });
    let stopping = false;
    let joined = false;
    let markReady!: () => void;
    let failReady!: (error: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    ready.catch(() => undefined); // observed by whoever awaits it; never an unhandled rejection

    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const lag = Number(payload.offsetLag);
      lags.set(`${groupId}\u0000${payload.topic}\u0000${payload.partition}`, { groupId, topic: payload.topic, partition: payload.partition, lag: Number.isFinite(lag) ? lag : 0 });
    });
    // The first fetch after joining has resolved the group's starting offsets: from now on nothing is missed.
    consumer.on(consumer.events.FETCH, () => {
      if (joined) markReady();
    });

    const runConfig: ConsumerRunConfig = {
      eachMessage: async ({ topic, partition, message, heartbeat }) => {
        const raw = message.value?.toString('utf8') ?? '';
        let event: EventEnvelope;
        try {
          event = parseEvent(raw);
        } catch (error) {
          await deadLetter(groupId, topic, partition, message, 'malformed', error, 0);
          return;
        }
        for (let attempt = 1; ; attempt++) {
          try {
            await traceConsume(groupId, topic, event, () => handler(event, { topic, partition, offset: message.offset, attempt }));
            return;
          } catch (error) {
            logger.warn(
              { groupId, topic, partition, offset: message.offset, eventId: event.id, attempt, err: errorMessage(error) },
              'event handler failed',
            );
            if (attempt >= maxAttempts) {
              await deadLetter(groupId, topic, partition, message, 'handler-failed', error, attempt);
              return;
            }
          }
          await sleep(retryDelay(attempt, backoffMs));
          // Not committed, so the group redelivers it (to whichever member owns the partition next).
          if (stopping) throw new DeliveryAbandoned('consumer is stopping');
          await heartbeat();
        }
      },
    };

    async function restart(): Promise<void> {
      while (!stopping) {
        await sleep(RESTART_AFTER_CRASH_MS);
        if (stopping) return;
        try {
          await consumer.connect();
          await consumer.run(runConfig);
          logger.warn({ groupId }, 'consumer restarted after a crash');
          return;
        } catch (error) {
          logger.error({ groupId, err: errorMessage(error) }, 'consumer restart failed; retrying');
          await consumer.disconnect().catch(() => undefined);
        }
      }
    }

    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (stopping) return;
      logger.error({ groupId, restart: payload.restart, err: errorMessage(payload.error) }, 'consumer crashed');
      // kafkajs restarts by itself after retriable errors; anything else would leave the group unconsumed.
      if (!payload.restart) void restart();
    });

    await consumer.connect();
    try {
      await consumer.subscribe({ topics, fromBeginning });
      await consumer.run(runConfig);
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }

    let stopped: Promise<void> | undefined;
    const subscription: BusSubscription = {
      ready,
      stop() {
        stopped ??= (async () => {
          stopping = true;
          failReady(new Error(`Subscription of group ${groupId} stopped before it was ready`));
          subscriptions.delete(subscription);
          for (const [key, lag] of lags) if (lag.groupId === groupId) lags.delete(key);
          await consumer.disconnect();
        })();
        return stopped;
      },
    };
    subscriptions.add(subscription);
    return subscription;
  }

  return {
    kind: 'kafka',

    async publish(topic, events, publishOptions) {
      if (closed) throw new Error('Event bus is closed');
      if (events.length === 0) return;
      const keyOf = publishOptions?.orderingKey ?? byAggregate;
      await ensureTopics([topic]);
      await send(
        topic,
        events.map((event) => ({
          key: keyOf(event),
          value: serializeEvent(event),
          headers: {
            [EVENT_HEADERS.type]: event.type,
            [EVENT_HEADERS.tenant]: event.tenantId,
            [EVENT_HEADERS.id]: event.id,
            [EVENT_HEADERS.version]: String(event.version),
            ...(event.traceparent ? { traceparent: event.traceparent } : {}),
          },
        })),
      );
    },

    subscribe,

    consumerLag: () => [...lags.values()],

    async close() {
      closed = true;
      await Promise.allSettled([...subscriptions].map((subscription) => subscription.stop()));
      await Promise.allSettled([producer.disconnect(), admin?.disconnect()]);
    },
  };
}

