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
 * In-memory event bus for the embedded start (one process, no Kafka). It keeps Kafka's semantics:
 * each topic has partitions chosen by aggregate id (so one aggregate's events stay in order),
 * each consumer group receives every event once and spreads partitions over its members,
 * failed handlers are retried with backoff and then dead-lettered to `<topic>.dlq`,
 * and a bounded log per partition lets new groups replay from the beginning.
 * Delivery is always asynchronous: a handler never runs inside the publisher's call stack.
 */
export interface InProcessBus extends EventBus {
  readonly kind: 'memory';
  /** Events that exhausted their attempts, oldest first (also published to `<topic>.dlq`). */
  readonly deadLetters: readonly DeadLetter[];
}

export interface DeadLetter {
  topic: string;
  groupId: string;
  partition: number;
  offset: string;
  attempts: number;
  error: string;
  event: EventEnvelope;
}

export interface InProcessBusOptions {
  /** Partitions per topic. Default 3 (as the Kafka topics). */
  partitions?: number;
  /** Events kept per topic for replay; older ones are dropped. Default 10,000. */
  retention?: number;
  logger?: EventLogger;
}

interface PartitionLog {
  /** Offset of `records[0]`. */
  start: number;
  records: string[];
}

interface TopicLog {
  partitions: PartitionLog[];
  /** Partition of every retained event, oldest first from `head` (to trim the topic's oldest). */
  order: number[];
  head: number;
}

interface Member {
  options: SubscribeOptions;
  inFlight: Set<Promise<boolean>>;
  stopped: boolean;
}

/** A group's position and members on one topic. */
interface GroupTopic {
  groupId: string;
  topic: string;
  /** Next offset to deliver, per partition. */
  next: number[];
  members: Member[];
  /** Partitions with a delivery loop running. */
  busy: Set<number>;
}

/** Kafka's default partitioner hashes the key with murmur2; any stable hash keeps per-key order here. */
function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

export function createInProcessBus(options: InProcessBusOptions = {}): InProcessBus {
  const partitionCount = options.partitions ?? 3;
  const retention = Math.max(1, options.retention ?? 10_000);
  const logger = options.logger ?? silentLogger;
  const logs = new Map<string, TopicLog>();
  const groups = new Map<string, GroupTopic>();
  const deadLetters: DeadLetter[] = [];
  const loops = new Set<Promise<void>>();
  let closed = false;

  function topicLog(topic: string): TopicLog {
    let log = logs.get(topic);
    if (!log) {
      log = { partitions: Array.from({ length: partitionCount }, () => ({ start: 0, records: [] })), order: [], head: 0 };
      logs.set(topic, log);
    }
    return log;
  }

  function logOf(topic: string): PartitionLog[] {
    return topicLog(topic).partitions;
  }

  /** Appends to the key's partition and drops the topic's oldest event beyond `retention`. */
  function append(topic: string, event: EventEnvelope, key: string): void {
    const log = topicLog(topic);
    const index = partitionOf(key, partitionCount);
    log.partitions[index]!.records.push(serializeEvent(event));
    log.order.push(index);
    if (log.order.length - log.head > retention) {
      const oldest = log.partitions[log.order[log.head++]!]!;
      oldest.records.shift();
      oldest.start++;
      if (log.head >= 1_024 && log.head * 2 >= log.order.length) {
        log.order.splice(0, log.head);
        log.head = 0;
      }
    }
  }

  function schedule(topic: string): void {
    setImmediate(() => {
      for (const group of groups.values()) {
        if (group.topic !== topic) continue;
        for (let partition = 0; partition < partitionCount; partition++) startLoop(group, partition);
      }
    });
  }

  function startLoop(group: GroupTopic, partition: number): void {
    if (closed || group.busy.has(partition) || group.members.length === 0) return;
    group.busy.add(partition);
    const loop = deliverPartition(group, partition).finally(() => {
      group.busy.delete(partition);
      loops.delete(loop);
    });
    loops.add(loop);
  }

  /** Delivers one partition's backlog to the group, in offset order, one event at a time. */
  async function deliverPartition(group: GroupTopic, partition: number): Promise<void> {
    const log = logOf(group.topic)[partition]!;
    for (;;) {
      if (closed) return;
      const member = group.members[partition % Math.max(1, group.members.length)];
      if (!member) return;
      let offset = group.next[partition]!;
      if (offset < log.start) offset = log.start; // the retained log no longer holds older events
      const raw = log.records[offset - log.start];
      if (raw === undefined) return;
      const delivery = deliver(group, member, partition, offset, raw);
      member.inFlight.add(delivery);
      let settled: boolean;
      try {
        settled = await delivery;
      } finally {
        member.inFlight.delete(delivery);
      }
      // Like an uncommitted Kafka offset: an event abandoned by a stopping member goes to the next one.
      if (settled) group.next[partition] = offset + 1;
    }
  }

  /** Runs the handler with retries; false when the member stopped (or the bus closed) before the event settled. */
  async function deliver(group: GroupTopic, member: Member, partition: number, offset: number, raw: string): Promise<boolean> {
    const { handler, maxAttempts = DEFAULT_MAX_ATTEMPTS, retryBackoffMs = DEFAULT_RETRY_BACKOFF_MS } = member.options;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        const event = parseEvent(raw);
        await traceConsume(group.groupId, group.topic, event, () => handler(event, { topic: group.topic, partition, offset: String(offset), attempt }));
        return true;
      } catch (error) {
        lastError = error;
        logger.warn(
          { groupId: group.groupId, topic: group.topic, partition, offset, attempt, err: errorMessage(error) },
          'event handler failed',
        );
        if (attempt < maxAttempts) await sleep(retryDelay(attempt, retryBackoffMs));
        if (member.stopped || closed) return false;
      }
    }
    const event = parseEvent(raw);
    deadLetters.push({
      topic: group.topic,
      groupId: group.groupId,
      partition,
      offset: String(offset),
      attempts: maxAttempts,
      error: errorMessage(lastError),
      event,
    });
    logger.error({ groupId: group.groupId, topic: group.topic, partition, offset, eventId: event.id }, 'event dead-lettered');
    append(dlqTopicOf(group.topic), event, event.aggregateId);
    schedule(dlqTopicOf(group.topic));
    return true;
  }

  return {
    kind: 'memory',
    deadLetters,

    consumerLag() {
      const lag: ConsumerLag[] = [];
      for (const group of groups.values()) {
        logOf(group.topic).forEach((partition, index) => {
          const end = partition.start + partition.records.length;
          lag.push({ groupId: group.groupId, topic: group.topic, partition: index, lag: Math.max(0, end - Math.max(group.next[index]!, partition.start)) });
        });
      }
      return lag;
    },

    async publish(topic, events, publishOptions) {
      if (closed) throw new Error('Event bus is closed');
      const keyOf = publishOptions?.orderingKey ?? byAggregate;
      for (const event of events) append(topic, event, keyOf(event));
      if (events.length > 0) schedule(topic);
    },

    async subscribe(subscribeOptions): Promise<BusSubscription> {
      if (closed) throw new Error('Event bus is closed');
      const member: Member = { options: subscribeOptions, inFlight: new Set(), stopped: false };
      const joined: GroupTopic[] = [];
      for (const topic of new Set(subscribeOptions.topics)) {
        const key = `${subscribeOptions.groupId}\u0000${topic}`;
        let group = groups.get(key);
        if (!group) {
          const log = logOf(topic);
          const fromBeginning = subscribeOptions.fromBeginning ?? true;
          group = {
            groupId: subscribeOptions.groupId,
            topic,
            next: log.map((partition) => (fromBeginning ? partition.start : partition.start + partition.records.length)),
            members: [],
            busy: new Set(),
          };
          groups.set(key, group);
        }
        group.members.push(member);
        joined.push(group);
        schedule(topic);
      }
      let stopped: Promise<void> | undefined;
      return {
        ready: Promise.resolve(),
        stop() {
          stopped ??= (async () => {
            member.stopped = true;
            for (const group of joined) {
              group.members = group.members.filter((m) => m !== member);
              schedule(group.topic); // hand its partitions to the remaining members
            }
            await Promise.allSettled([...member.inFlight]);
          })();
          return stopped;
        },
      };
    },

    async close() {
      closed = true;
      await Promise.allSettled([...loops]);
    },
  };
}
