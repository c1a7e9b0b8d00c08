import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBus, SubscribeOptions } from './bus.ts';
import { createEvent, dlqTopicOf, type EventEnvelope } from './envelope.ts';
import { DLQ_HEADERS, EVENT_HEADERS, createKafkaBus } from './kafka-bus.ts';

const BROKER = process.env.KAFKA_BROKERS?.split(',')[0] ?? '127.0.0.1:9092';
const run = randomUUID().slice(0, 8);
let bus: EventBus;
const createdTopics: string[] = [];

function canConnect(address: string): Promise<boolean> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host: host!, port: Number(port) });
    socket.setTimeout(1_000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** The broker may still be starting on a fresh machine: wait for it (up to 3 minutes). */
async function waitForBroker(): Promise<void> {
  for (let i = 0; i < 180; i++) {
    if (await canConnect(BROKER)) return;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`Kafka broker ${BROKER} is not reachable`);
}

/** A topic of its own for each test; it and its dead-letter topic are deleted after the run. */
function freshTopic(name: string): string {
  const topic = `test.events.${run}.${name}`;
  createdTopics.push(topic, dlqTopicOf(topic));
  return topic;
}

function event(tenantId: string, aggregateId: string, n: number): EventEnvelope {
  return createEvent({
    type: 'sales.deal.stage_changed',
    tenantId,
    aggregateId,
    actor: { userId: null, kind: 'system' },
    payload: { n },
  });
}

async function until(predicate: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Publishes an event, subscribes `subscriber` with `options`, and once the subscription is ready
 * publishes another and waits until one event has arrived: what was received, and the second event.
 */
async function aroundReady(subscriber: EventBus, topic: string, options: Omit<SubscribeOptions, 'topics' | 'handler'>) {
  const tenantId = randomUUID();
  const [before, after] = [event(tenantId, 'deal-1', 1), event(tenantId, 'deal-1', 2)];
  await bus.publish(topic, [before]);
  const received: string[] = [];
  const subscription = await subscriber.subscribe({ ...options, topics: [topic], handler: async (e) => void received.push(e.id) });
  await subscription.ready;
  await subscriber.publish(topic, [after]);
  await until(() => received.length === 1, 'the event published after ready');
  return { received, after, subscription };
}

beforeAll(async () => {
  await waitForBroker();
  bus = createKafkaBus({ brokers: [BROKER], clientId: `events-test-${run}` });
}, 200_000);

afterAll(async () => {
  await bus?.close();
  const admin = new Kafka({ clientId: `cleanup-${run}`, brokers: [BROKER], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  await admin.deleteTopics({ topics: createdTopics.filter((topic) => existing.has(topic)) });
  await admin.disconnect();
});

describe('Kafka event bus', () => {
  it('delivers to a group in per-aggregate order, and to every group', async () => {
    const topic = freshTopic('order');
    const tenantId = randomUUID();
    const received = new Map<string, EventEnvelope[]>([
      ['reports', []],
      ['webhooks', []],
    ]);
    const subscriptions = await Promise.all(
      [...received.keys()].map((group) =>
        bus.subscribe({
          groupId: `${group}-${run}`,
          topics: [topic],
          handler: async (e) => void received.get(group)!.push(e),
        }),
      ),
    );
    await Promise.all(subscriptions.map((s) => s.ready));
    const events = Array.from({ length: 100 }, (_, i) => event(tenantId, `deal-${i % 5}`, i));
    for (let i = 0; i < events.length; i += 20) await bus.publish(topic, events.slice(i, i + 20));

    await until(() => [...received.values()].every((list) => list.length >= events.length), 'both groups');
    for (const list of received.values()) {
      expect(new Set(list.map((e) => e.id))).toEqual(new Set(events.map((e) => e.id)));
      for (let d = 0; d < 5; d++) {
        const forDeal = (all: EventEnvelope[]) => all.filter((e) => e.aggregateId === `deal-${d}`).map((e) => e.id);
        expect(forDeal(list)).toEqual(forDeal(events));
      }
    }
    expect(received.get('reports')![0]).toEqual(events.find((e) => e.id === received.get('reports')![0]!.id));
    await Promise.all(subscriptions.map((s) => s.stop()));
  });

  it('keeps the publish order of different aggregates that share an ordering key', async () => {
    const topic = freshTopic('keyed');
    const tenantId = randomUUID();
    const received: EventEnvelope[] = [];
    const subscription = await bus.subscribe({ groupId: `keyed-${run}`, topics: [topic], handler: async (e) => void received.push(e) });
    await subscription.ready;
    // 60 events of 12 aggregates on two boards; each board's events must arrive in publish order
    const events = Array.from({ length: 60 }, (_, i) => ({ ...event(tenantId, `deal-${i % 12}`, i), payload: { board: `board-${i % 2}`, i } }));
    const orderingKey = (e: EventEnvelope) => String(e.payload['board']);
    for (let i = 0; i < events.length; i += 6) await bus.publish(topic, events.slice(i, i + 6), { orderingKey });

    await until(() => received.length >= events.length, 'every keyed event');
    for (const board of ['board-0', 'board-1']) {
      const onBoard = (all: EventEnvelope[]) => all.filter((e) => e.payload['board'] === board).map((e) => e.id);
      expect(onBoard(received)).toEqual(onBoard(events));
    }
    // the group has read to the end of every partition it fetched from
    await until(() => bus.consumerLag().some((l) => l.groupId === `keyed-${run}` && l.topic === topic), 'a lag reading');
    expect(bus.consumerLag().filter((l) => l.groupId === `keyed-${run}`).every((l) => l.lag === 0)).toBe(true);
    await subscription.stop();
    expect(bus.consumerLag().some((l) => l.groupId === `keyed-${run}`)).toBe(false);
  });

  it('retries a failing handler, then moves the message to the dead-letter topic; malformed messages go there at once', async () => {
    const topic = freshTopic('dlq');
    const tenantId = randomUUID();
    const poison = event(tenantId, 'deal-1', 1);
    const healthy = event(tenantId, 'deal-1', 2);
    const attempts: number[] = [];
    const handled: string[] = [];
    const subscription = await bus.subscribe({
      groupId: `projector-${run}`,
      topics: [topic],
      maxAttempts: 3,
      retryBackoffMs: 10,
      handler: async (e, meta) => {
        if (e.id === poison.id) {
          attempts.push(meta.attempt);
          throw new Error('projection failed');
        }
        handled.push(e.id);
      },
    });
    await subscription.ready;

    // A raw client writes a message that is not an envelope, then the bus publishes two events.
    const raw = new Kafka({ clientId: `raw-${run}`, brokers: [BROKER], logLevel: logLevel.NOTHING });
    const producer = raw.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'deal-1', value: '{not json' }] });
    await producer.disconnect();
    await bus.publish(topic, [poison, healthy]);

    await until(() => handled.length === 1, 'the healthy event after the poison one');
    expect(attempts).toEqual([1, 2, 3]);
    expect(handled).toEqual([healthy.id]);

    const consumer = raw.consumer({ groupId: `dlq-reader-${run}`, maxWaitTimeInMs: 200 });
    const dead: { value: string; headers: Record<string, string> }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [dlqTopicOf(topic)], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        dead.push({ value: message.value?.toString() ?? '', headers });
      },
    });
    await until(() => dead.length === 2, 'two dead letters');
    await consumer.disconnect();

    const malformed = dead.find((d) => d.headers[DLQ_HEADERS.reason] === 'malformed')!;
    expect(malformed.value).toBe('{not json');
    expect(malformed.headers[DLQ_HEADERS.attempts]).toBe('0');
    const failed = dead.find((d) => d.headers[DLQ_HEADERS.reason] === 'handler-failed')!;
    expect(JSON.parse(failed.value)).toEqual(poison);
    expect(failed.headers).toMatchObject({
      [DLQ_HEADERS.error]: 'projection failed',
      [DLQ_HEADERS.attempts]: '3',
      [DLQ_HEADERS.groupId]: `projector-${run}`,
      [DLQ_HEADERS.topic]: topic,
      [EVENT_HEADERS.type]: poison.type,
      [EVENT_HEADERS.tenant]: tenantId,
      [EVENT_HEADERS.id]: poison.id,
    });
    await subscription.stop();
  });

  it('a group starting from the latest offset receives everything published once it is ready', async () => {
    const { received, after, subscription } = await aroundReady(bus, freshTopic('latest'), { groupId: `live-${run}`, fromBeginning: false });
    expect(received).toEqual([after.id]);
    await subscription.stop();
  });

  it('suffixes group ids and starts new groups at the end of their topics when the bus is told to (a shared cluster)', async () => {
    const topic = freshTopic('shared-cluster');
    const staging = createKafkaBus({ brokers: [BROKER], clientId: `staging-${run}`, consumerGroups: { suffix: '.staging', newGroupsStart: 'latest' } });
    // the subscription asks for the topic's history (the default); the bus's setting wins for a new group
    const { received, after } = await aroundReady(staging, topic, { groupId: `audit-${run}` });
    expect(received).toEqual([after.id]);
    await until(() => staging.consumerLag().some((l) => l.topic === topic), 'a lag reading');
    expect(new Set(staging.consumerLag().map((l) => l.groupId))).toEqual(new Set([`audit-${run}.staging`]));
    await staging.close();
  });

  it('rejects a publish when no broker answers, instead of hanging', async () => {
    const unreachable = createKafkaBus({ brokers: ['127.0.0.1:1'], clientId: `down-${run}`, publishTimeoutMs: 1_500 });
    await expect(unreachable.publish(freshTopic('down'), [event(randomUUID(), 'deal-1', 1)])).rejects.toThrow();
    await unreachable.close();
  });
});
