import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EventHandlerMeta } from './bus.ts';
import { createEvent, dlqTopicOf, topicOf, type EventEnvelope } from './envelope.ts';
import { createInProcessBus } from './in-process-bus.ts';

const topic = topicOf('sales');

function dealEvent(tenantId: string, aggregateId: string, n: number): EventEnvelope {
  return createEvent({
    type: 'sales.deal.stage_changed',
    tenantId,
    aggregateId,
    actor: { userId: null, kind: 'system' },
    payload: { n },
  });
}

/** Resolves once `predicate` holds, polling the event loop (deliveries are asynchronous). */
async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('createEvent / topicOf', () => {
  it('builds an envelope with id, version 1 and occurredAt', () => {
    const tenantId = randomUUID();
    const event = createEvent({
      type: 'customer.contact.created',
      tenantId,
      aggregateId: 'c1',
      actor: { userId: 'u1', kind: 'user' },
      payload: { email: 'a@b.c' },
      occurredAt: new Date('2026-01-02T03:04:05.678Z'),
    });
    expect(event).toMatchObject({ tenantId, version: 1, occurredAt: '2026-01-02T03:04:05.678Z', payload: { email: 'a@b.c' } });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects event types that do not follow <domain>.<aggregate>.<verb>', () => {
    expect(() =>
      createEvent({ type: 'DealMoved', tenantId: 't', aggregateId: 'a', actor: { userId: null, kind: 'system' }, payload: {} }),
    ).toThrow(/domain/);
  });

  it('names topics and dead-letter topics', () => {
    expect(topicOf('customer')).toBe('crm.customer.events');
    expect(dlqTopicOf(topicOf('customer'))).toBe('crm.customer.events.dlq');
  });
});

describe('createInProcessBus', () => {
  it('delivers asynchronously, never inside the publisher call stack', async () => {
    const bus = createInProcessBus();
    const seen: string[] = [];
    await bus.subscribe({ groupId: 'g', topics: [topic], handler: async (e) => void seen.push(e.id) });
    const event = dealEvent(randomUUID(), 'd1', 1);
    await bus.publish(topic, [event]);
    expect(seen).toEqual([]);
    await until(() => seen.length === 1, 'delivery');
    expect(seen).toEqual([event.id]);
    await bus.close();
  });

  it('keeps per-aggregate order and gives each group every event once', async () => {
    const bus = createInProcessBus();
    const tenantId = randomUUID();
    const byGroup = new Map<string, EventEnvelope[]>([
      ['a', []],
      ['b', []],
    ]);
    for (const groupId of byGroup.keys()) {
      // Two members per group: each event goes to exactly one of them.
      for (let m = 0; m < 2; m++) {
        await bus.subscribe({ groupId, topics: [topic], handler: async (e) => void byGroup.get(groupId)!.push(e) });
      }
    }
    const events = Array.from({ length: 60 }, (_, i) => dealEvent(tenantId, `deal-${i % 6}`, i));
    await bus.publish(topic, events.slice(0, 30));
    await bus.publish(topic, events.slice(30));
    await until(() => [...byGroup.values()].every((list) => list.length === 60), 'both groups');
    for (const received of byGroup.values()) {
      expect(new Set(received.map((e) => e.id)).size).toBe(60);
      for (let d = 0; d < 6; d++) {
        const order = received.filter((e) => e.aggregateId === `deal-${d}`).map((e) => e.payload.n);
        expect(order).toEqual([...order].sort((x, y) => Number(x) - Number(y)));
      }
    }
    await bus.close();
  });

  it('keeps the order of different aggregates that share an ordering key, and reports lag until they are read', async () => {
    const bus = createInProcessBus();
    const tenantId = randomUUID();
    const received: EventEnvelope[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await bus.subscribe({
      groupId: 'board',
      topics: [topic],
      handler: async (e) => {
        await gate;
        received.push(e);
      },
    });
    const events = Array.from({ length: 40 }, (_, i) => dealEvent(tenantId, `deal-${i % 8}`, i));
    await bus.publish(topic, events, { orderingKey: (e) => e.tenantId });
    await until(() => bus.consumerLag().some((l) => l.groupId === 'board' && l.lag > 0), 'lag to show');
    expect(bus.consumerLag().filter((l) => l.groupId === 'board').reduce((sum, l) => sum + l.lag, 0)).toBe(40);
    release();
    await until(() => received.length === 40, 'every event');
    expect(received.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(bus.consumerLag().filter((l) => l.groupId === 'board').every((l) => l.lag === 0)).toBe(true);
    await bus.close();
  });

  it('retries a failing handler, then dead-letters the event and moves on', async () => {
    const bus = createInProcessBus();
    const attempts: EventHandlerMeta[] = [];
    const dlq: EventEnvelope[] = [];
    const ok: string[] = [];
    const poison = dealEvent(randomUUID(), 'd1', 1);
    const next = dealEvent(poison.tenantId, 'd1', 2);
    await bus.subscribe({
      groupId: 'g',
      topics: [topic],
      maxAttempts: 3,
      retryBackoffMs: 1,
      handler: async (e, meta) => {
        if (e.id === poison.id) {
          attempts.push(meta);
          throw new Error('boom');
        }
        ok.push(e.id);
      },
    });
    await bus.subscribe({ groupId: 'dlq-reader', topics: [dlqTopicOf(topic)], handler: async (e) => void dlq.push(e) });
    await bus.publish(topic, [poison, next]);
    await until(() => ok.length === 1 && dlq.length === 1, 'dead letter and next event');
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(ok).toEqual([next.id]);
    expect(dlq[0]!.id).toBe(poison.id);
    expect(bus.deadLetters).toMatchObject([{ topic, groupId: 'g', attempts: 3, error: 'boom', event: { id: poison.id } }]);
    await bus.close();
  });

  it('replays retained events for a new group from the beginning, or only new ones otherwise', async () => {
    const bus = createInProcessBus({ retention: 30 });
    const tenantId = randomUUID();
    const old = Array.from({ length: 45 }, (_, i) => dealEvent(tenantId, `deal-${i % 3}`, i));
    await bus.publish(topic, old);
    const replay: number[] = [];
    const latest: number[] = [];
    await bus.subscribe({ groupId: 'replay', topics: [topic], handler: async (e) => void replay.push(Number(e.payload.n)) });
    const sub = await bus.subscribe({
      groupId: 'latest',
      topics: [topic],
      fromBeginning: false,
      handler: async (e) => void latest.push(Number(e.payload.n)),
    });
    await sub.ready;
    await until(() => replay.length === 30, 'replay');
    // Retention is bounded (30 per topic here): the oldest 15 events are gone.
    expect([...replay].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 15));
    await bus.publish(topic, [dealEvent(tenantId, 'deal-0', 100)]);
    await until(() => replay.length === 31 && latest.length === 1, 'new event in both groups');
    expect(latest).toEqual([100]);
    await bus.close();
  });

  it('hands an abandoned event to the remaining member when one stops', async () => {
    const bus = createInProcessBus({ partitions: 1 });
    const event = dealEvent(randomUUID(), 'd1', 1);
    let firstCalls = 0;
    const second: string[] = [];
    const first = await bus.subscribe({
      groupId: 'g',
      topics: [topic],
      retryBackoffMs: 20,
      handler: async () => {
        firstCalls++;
        throw new Error('unavailable');
      },
    });
    await bus.publish(topic, [event]);
    await until(() => firstCalls === 1, 'first attempt');
    await bus.subscribe({ groupId: 'g', topics: [topic], handler: async (e) => void second.push(e.id) });
    await first.stop();
    await until(() => second.length === 1, 'redelivery');
    expect(second).toEqual([event.id]);
    expect(bus.deadLetters).toEqual([]);
    await bus.close();
  });
});
