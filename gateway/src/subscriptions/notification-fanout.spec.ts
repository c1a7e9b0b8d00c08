import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEvent, type EventEnvelope } from '@crm/events';
import { createLogger } from '@crm/runtime';
import { buildSchema, parse, type ExecutionResult, type GraphQLError } from '../graphql.ts';
import { EventQueue } from './event-queue.ts';
import { NotificationFanout } from './notification-fanout.ts';
import { planNotificationSubscription, subscriptionRootField, type NotificationSubscriptionPlan } from './notification-subscription.ts';

const schema = buildSchema(/* GraphQL */ `
  scalar DateTime
  enum NotificationKind { ASSIGNED MENTIONED DEAL_WON TASK_DUE }
  type User { id: ID! name: String! }
  type Notification { id: ID! kind: NotificationKind! title: String! body: String! recordType: String! recordId: ID! read: Boolean! readAt: DateTime createdAt: DateTime! recipient: User }
  type Query { ok: Boolean }
  type Subscription { notificationReceived: Notification! pipelineBoard(pipelineId: ID!): String }
`);

const SELECTION = 'subscription { notificationReceived { __typename id kind title recordId read ...When } } fragment When on Notification { at: createdAt }';

const plan = (query = SELECTION) => planNotificationSubscription(schema, parse(query), undefined, {}) as NotificationSubscriptionPlan;

const notificationEvent = (tenantId: string, recipientId: string, id: string = randomUUID()): EventEnvelope =>
  createEvent({
    type: 'platform.notification.created',
    tenantId,
    actor: { userId: randomUUID(), kind: 'user' },
    aggregateId: recipientId,
    payload: {
      recipientId,
      notification: { id, kind: 'ASSIGNED', title: 'A deal was assigned to you', body: 'b', recordType: 'Deal', recordId: 'd1', readAt: null, createdAt: '2026-11-26T10:00:00.000Z' },
    },
  });

function setup() {
  const fanout = new NotificationFanout(createLogger('notification-test', 'silent'));
  const subscribe = (tenantId: string, userId: string, query = SELECTION) => {
    const queue = new EventQueue<ExecutionResult>({ pending: 0, limit: 100, onOverflow: () => {} }, () => remove());
    const remove = fanout.registry.add({ tenantId, userId, plan: plan(query), schema, queue });
    const drain = async () => {
      const received: ExecutionResult[] = [];
      for (;;) {
        const next = await Promise.race([queue.next(), new Promise<null>((r) => setImmediate(() => r(null)))]);
        if (!next || next.done) return received;
        received.push(next.value);
      }
    };
    return { queue, drain };
  };
  return { fanout, subscribe };
}

describe('notificationReceived planning', () => {
  it('finds the root field of a subscription, fragments included', () => {
    expect(subscriptionRootField(parse('subscription { ...F } fragment F on Subscription { notificationReceived { id } }'), undefined)).toBe('notificationReceived');
    expect(subscriptionRootField(parse('subscription { pipelineBoard(pipelineId: "p") }'), undefined)).toBe('pipelineBoard');
    expect(subscriptionRootField(parse('query { ok }'), undefined)).toBeNull();
  });

  it('refuses a field the event does not carry, with BAD_USER_INPUT', () => {
    const errors = planNotificationSubscription(schema, parse('subscription { notificationReceived { id recipient { name } } }'), undefined, {}) as readonly GraphQLError[];
    expect(errors[0]?.extensions['code']).toBe('BAD_USER_INPUT');
    expect(errors[0]?.message).toMatch(/Notification\.recipient/);
  });
});

describe('NotificationFanout', () => {
  it('delivers a notification only to its recipient, rendered with their selection', async () => {
    const { fanout, subscribe } = setup();
    const rep = subscribe('t1', 'rep');
    const other = subscribe('t1', 'someone-else');
    const otherTenant = subscribe('t2', 'rep');

    const stats = await fanout.deliver(notificationEvent('t1', 'rep', 'n1'));
    expect(stats).toEqual({ renders: 1, delivered: 1 });
    expect(await rep.drain()).toEqual([
      { data: { notificationReceived: { __typename: 'Notification', id: 'n1', kind: 'ASSIGNED', title: 'A deal was assigned to you', recordId: 'd1', read: false, at: '2026-11-26T10:00:00.000Z' } } },
    ]);
    expect(await other.drain()).toEqual([]);
    expect(await otherTenant.drain()).toEqual([]);
  });

  it('renders once per distinct selection and fans the message out', async () => {
    const { fanout, subscribe } = setup();
    const [a, b] = [subscribe('t1', 'rep'), subscribe('t1', 'rep')];
    const c = subscribe('t1', 'rep', 'subscription { notificationReceived { title } }');
    expect(await fanout.deliver(notificationEvent('t1', 'rep'))).toEqual({ renders: 2, delivered: 3 });
    expect((await a.drain()).length).toBe(1);
    expect((await b.drain()).length).toBe(1);
    expect(await c.drain()).toEqual([{ data: { notificationReceived: { title: 'A deal was assigned to you' } } }]);
  });

  it('ignores other events and skips malformed ones, and stops delivering after unsubscribe', async () => {
    const { fanout, subscribe } = setup();
    const rep = subscribe('t1', 'rep');
    const other = createEvent({ type: 'platform.user.created', tenantId: 't1', actor: { userId: null, kind: 'system' }, aggregateId: 'rep', payload: { recipientId: 'rep' } });
    expect(await fanout.deliver(other)).toEqual({ renders: 0, delivered: 0 });
    const malformed = createEvent({ type: 'platform.notification.created', tenantId: 't1', actor: { userId: null, kind: 'system' }, aggregateId: 'rep', payload: { recipientId: 'rep' } });
    expect(await fanout.deliver(malformed)).toEqual({ renders: 0, delivered: 0 });
    await rep.queue.return();
    expect(fanout.registry.size).toBe(0);
    expect(await fanout.deliver(notificationEvent('t1', 'rep'))).toEqual({ renders: 0, delivered: 0 });
  });
});
