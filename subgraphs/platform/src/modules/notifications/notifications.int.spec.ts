/**
 * Notifications on real PostgreSQL: written from sales and customer events, once, never to the
 * actor; with an outbox event and (when on) an email; read and marked read by their recipient only.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forTenant } from '@crm/db';
import { createEvent, topicOf, type EventEnvelope } from '@crm/events';
import { graphql, seedTenant, startTestPlatform, type TestPlatform } from '../../test-support.ts';
import { NOTIFICATION_CREATED, NOTIFICATIONS_CONSUMER } from './services/notifications.ts';
import { concernsNotifications } from './lib/rules.ts';

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.stop();
});

type Tenant = Awaited<ReturnType<typeof seedTenant>>;

const event = (tenantId: string, actorId: string | null, type: string, aggregateId: string, payload: Record<string, unknown>) =>
  createEvent({ type, tenantId, actor: actorId ? { userId: actorId, kind: 'user' } : { userId: null, kind: 'system' }, aggregateId, payload });

const dealCreated = (tenantId: string, actorId: string, dealId: string, ownerId: string | null) =>
  event(tenantId, actorId, 'sales.deal.created', dealId, { dealId, pipelineId: randomUUID(), stageId: randomUUID(), amountMinor: '100', currency: 'USD', ownerId, accountId: null, sequence: '1' });

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not reached');
}

/**
 * Publishes events and waits until the notifications consumer has processed every one that
 * concerns notifications (the others are skipped without a trace, see `concernsNotifications`).
 */
async function consume(...events: EventEnvelope[]): Promise<void> {
  for (const e of events) await t.bus.publish(topicOf(e.type.startsWith('sales.') ? 'sales' : 'customer'), [e]);
  const recorded = events.filter(concernsNotifications).map((e) => e.id);
  await until(async () => {
    const done = await t.platform.prisma.processedEvent.count({ where: { consumer: NOTIFICATIONS_CONSUMER, eventId: { in: recorded } } });
    return done === recorded.length;
  });
}

const notificationsOf = (tenant: Tenant, userId: string) =>
  forTenant(t.platform.prisma, tenant.tenant.id).notification.findMany({ where: { recipientId: userId }, orderBy: { createdAt: 'asc' } });

const LIST = `query($first: Int, $after: String, $unreadOnly: Boolean) {
  notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
    edges { cursor node { id kind title body recordType recordId read readAt createdAt } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
  unreadNotificationCount
}`;
interface ListData {
  notifications: { edges: Array<{ cursor: string; node: { id: string; kind: string; title: string; body: string; recordId: string; read: boolean } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  unreadNotificationCount: number;
}

describe('notifications consumer', () => {
  it('notifies the new owner of a deal once, with an outbox event and an email, however often the event is delivered', async () => {
    const s = await seedTenant(t.platform);
    const dealId = randomUUID();
    const created = dealCreated(s.tenant.id, s.admin.id, dealId, s.rep.id);
    await consume(created);
    await t.bus.publish(topicOf('sales'), [created]); // redelivery
    expect(await t.platform.services.notifications.consume(created)).toEqual({ outcome: 'duplicate' });
    await consume(dealCreated(s.tenant.id, s.admin.id, randomUUID(), s.admin.id)); // own deal: nobody notified

    const [notification, ...more] = await notificationsOf(s, s.rep.id);
    expect(more).toEqual([]);
    expect(notification).toMatchObject({ kind: 'ASSIGNED', recordType: 'Deal', recordId: dealId, title: 'A deal was assigned to you', body: 'A deal was assigned to you by Admin.', readAt: null, eventId: created.id });
    expect(await notificationsOf(s, s.admin.id)).toEqual([]);

    const outbox = await t.platform.prisma.outboxEvent.findMany({ where: { tenantId: s.tenant.id, type: NOTIFICATION_CREATED } });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.payload).toMatchObject({ recipientId: s.rep.id, notification: { id: notification!.id, kind: 'ASSIGNED', recordId: dealId, readAt: null } });
    const emails = await forTenant(t.platform.prisma, s.tenant.id).outboundEmail.findMany({ where: { template: 'notification' } });
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ to: s.rep.email, data: { id: notification!.id, title: 'A deal was assigned to you', recordId: dealId } });
  });

  it('notifies an owner change and a won deal to the owner, never the actor', async () => {
    const s = await seedTenant(t.platform);
    const dealId = randomUUID();
    const changed = (actorId: string, from: string, to: string) =>
      event(s.tenant.id, actorId, 'sales.deal.updated', dealId, { dealId, pipelineId: randomUUID(), stageId: randomUUID(), changed: { ownerId: { from, to } }, amountMinor: '1', currency: 'USD', sequence: '2' });
    const won = (actorId: string) => event(s.tenant.id, actorId, 'sales.deal.won', dealId, { dealId, pipelineId: randomUUID(), stageId: randomUUID(), amountMinor: '1', currency: 'USD', sequence: '3' });

    await consume(dealCreated(s.tenant.id, s.manager.id, dealId, s.manager.id), won(s.manager.id)); // the manager's own deal and win
    expect(await notificationsOf(s, s.manager.id)).toEqual([]);

    await consume(changed(s.rep.id, s.manager.id, s.rep.id)); // the rep takes the deal themselves: not notified
    expect(await notificationsOf(s, s.rep.id)).toEqual([]);
    await consume(won(s.admin.id));
    const notifications = await notificationsOf(s, s.rep.id);
    expect(notifications.map((n) => [n.kind, n.title, n.body])).toEqual([['DEAL_WON', 'Your deal was won', 'Your deal was marked won by Admin.']]);

    await consume(changed(s.admin.id, s.rep.id, s.manager.id));
    expect((await notificationsOf(s, s.manager.id)).map((n) => n.kind)).toEqual(['ASSIGNED']);
  });

  it('notifies contacts, accounts and leads assigned to a user, and skips owners who are not users of the tenant', async () => {
    const s = await seedTenant(t.platform);
    const contactId = randomUUID();
    await consume(
      event(s.tenant.id, s.admin.id, 'customer.contact.created', contactId, { firstName: 'Jane', lastName: 'Doe', email: null, ownerId: s.rep.id, accountIds: [] }),
      event(s.tenant.id, null, 'customer.account.updated', randomUUID(), { changes: { ownerId: s.rep.id } }),
      event(s.tenant.id, s.admin.id, 'customer.lead.created', randomUUID(), { name: 'Big lead', email: null, company: null, source: null, status: 'NEW', score: 0, ownerId: randomUUID() }),
      event(s.tenant.id, s.admin.id, 'customer.account.updated', randomUUID(), { changes: { name: 'Renamed' } }),
    );
    const notifications = await notificationsOf(s, s.rep.id);
    expect(notifications.map((n) => [n.recordType, n.title, n.body]).sort()).toEqual([
      ['Account', 'An account was assigned to you', 'An account was assigned to you.'],
      ['Contact', 'Contact assigned to you: Jane Doe', 'A contact was assigned to you by Admin.'],
    ]);
    expect(await forTenant(t.platform.prisma, s.tenant.id).notification.count()).toBe(2);
  });
});

describe('notifications API', () => {
  it('lists the caller’s own notifications newest first, pages, marks read and counts unread', async () => {
    const s = await seedTenant(t.platform);
    const deals = [randomUUID(), randomUUID(), randomUUID()];
    for (const dealId of deals) await consume(dealCreated(s.tenant.id, s.admin.id, dealId, s.rep.id));

    const first = await graphql<ListData>(t.url, s.as.rep, LIST, { first: 2 });
    expect(first.errors).toBeUndefined();
    expect(first.data?.unreadNotificationCount).toBe(3);
    expect(first.data?.notifications.edges.map((e) => e.node.recordId)).toEqual([deals[2], deals[1]]);
    expect(first.data?.notifications.pageInfo.hasNextPage).toBe(true);
    const second = await graphql<ListData>(t.url, s.as.rep, LIST, { first: 2, after: first.data?.notifications.pageInfo.endCursor });
    expect(second.data?.notifications.edges.map((e) => e.node.recordId)).toEqual([deals[0]]);
    expect(second.data?.notifications.pageInfo.hasNextPage).toBe(false);

    // nobody else sees them, and nobody else can mark them
    const manager = await graphql<ListData>(t.url, s.as.manager, LIST);
    expect(manager.data?.notifications.edges).toEqual([]);
    const ids = first.data!.notifications.edges.map((e) => e.node.id);
    const foreign = await graphql(t.url, s.as.admin, 'mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) { id } }', { ids: [ids[0]] });
    expect(foreign.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');

    const marked = await graphql<{ markNotificationsRead: Array<{ id: string; read: boolean; readAt: string | null }> }>(
      t.url, s.as.rep, 'mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) { id read readAt } }', { ids: [ids[0]] },
    );
    expect(marked.data?.markNotificationsRead).toEqual([{ id: ids[0], read: true, readAt: expect.any(String) }]);
    const unread = await graphql<ListData>(t.url, s.as.rep, LIST, { unreadOnly: true });
    expect(unread.data?.unreadNotificationCount).toBe(2);
    expect(unread.data?.notifications.edges.map((e) => e.node.id)).not.toContain(ids[0]);

    const all = await graphql<{ markAllNotificationsRead: number }>(t.url, s.as.rep, 'mutation { markAllNotificationsRead }');
    expect(all.data?.markAllNotificationsRead).toBe(2);
    expect((await graphql<ListData>(t.url, s.as.rep, LIST)).data?.unreadNotificationCount).toBe(0);
  });

  it('refuses bad input and callers without a user with clear codes', async () => {
    const s = await seedTenant(t.platform);
    const badCursor = await graphql(t.url, s.as.rep, LIST, { after: 'nope' });
    expect(badCursor.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const badFirst = await graphql(t.url, s.as.rep, LIST, { first: 1000 });
    expect(badFirst.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const badId = await graphql(t.url, s.as.rep, 'mutation { markNotificationsRead(ids: ["x"]) { id } }');
    expect(badId.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const apiKey = await graphql(t.url, { tenantId: s.tenant.id, userId: null, roles: ['SALES_REP'], actorKind: 'apikey', apiKeyId: randomUUID() }, 'query { unreadNotificationCount }');
    expect(apiKey.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const anonymous = await graphql(t.url, null, 'query { unreadNotificationCount }');
    expect(anonymous.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('emails new notifications only while the user keeps email notifications on', async () => {
    const s = await seedTenant(t.platform);
    const USER = 'query($id: ID!) { _entities(representations: [{ __typename: "User", id: $id }]) { ... on User { emailNotifications } } }';
    const own = await graphql<{ _entities: Array<{ emailNotifications: boolean | null }> }>(t.url, s.as.rep, USER, { id: s.rep.id });
    expect(own.data?._entities[0]?.emailNotifications).toBe(true);
    const others = await graphql<{ _entities: Array<{ emailNotifications: boolean | null }> }>(t.url, s.as.admin, USER, { id: s.rep.id });
    expect(others.data?._entities[0]?.emailNotifications).toBeNull();

    const off = await graphql<{ setEmailNotifications: { id: string; emailNotifications: boolean } }>(t.url, s.as.rep, 'mutation { setEmailNotifications(enabled: false) { id emailNotifications } }');
    expect(off.data?.setEmailNotifications).toEqual({ id: s.rep.id, emailNotifications: false });
    await consume(dealCreated(s.tenant.id, s.admin.id, randomUUID(), s.rep.id));
    expect(await notificationsOf(s, s.rep.id)).toHaveLength(1);
    expect(await forTenant(t.platform.prisma, s.tenant.id).outboundEmail.count({ where: { template: 'notification' } })).toBe(0);
  });
});
