/**
 * Notifications through the gateway: a deal assigned to a rep reaches the rep live over graphql-ws
 * (and nobody else), shows in their list unread, is marked read, and is emailed.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeal, createPipeline, createTenantWithUsers, STANDARD_STAGES, type Stack } from '@crm/stack';
import { gqlOk, startRealStack, subscribe, subscribersReady } from '@crm/testkit';

let stack: Stack;
let seeded: Awaited<ReturnType<typeof seed>>;

async function seed() {
  const slug = `notify-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const tenant = await createTenantWithUsers(stack, { name: 'Notify Inc', slug }, [
    { email: `admin@${slug}.test`, name: 'Notify Admin', role: 'TENANT_ADMIN', password },
    { email: `rep@${slug}.test`, name: 'Notify Rep', role: 'SALES_REP', password },
    { email: `other@${slug}.test`, name: 'Other Rep', role: 'SALES_REP', password },
  ]);
  const [admin, rep, other] = tenant.users as [(typeof tenant.users)[0], (typeof tenant.users)[0], (typeof tenant.users)[0]];
  const pipeline = await createPipeline(stack.gatewayUrl, admin.token, 'Notify pipeline', STANDARD_STAGES);
  return { ...tenant, admin, rep, other, pipeline };
}

beforeAll(async () => {
  stack = await startRealStack();
  seeded = await seed();
});
afterAll(async () => {
  await stack?.stop();
});

const LIVE = 'subscription { notificationReceived { id kind title recordType recordId read } }';
interface LiveNotification {
  notificationReceived: { id: string; kind: string; title: string; recordType: string; recordId: string; read: boolean };
}

const LIST = `query { notifications(first: 10) { edges { node { id kind recordId read } } } unreadNotificationCount }`;
interface ListData {
  notifications: { edges: Array<{ node: { id: string; kind: string; recordId: string; read: boolean } }> };
  unreadNotificationCount: number;
}

/** Outbound email rows of the tenant (read as the tenant, as the mailer does). */
async function emailsOf(tenantId: string, to: string) {
  const prisma = stack.subgraphs.platform.subgraph.prisma;
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
    return tx.outboundEmail.findMany({ where: { to, template: 'notification' } });
  });
}

describe('notificationReceived', () => {
  it('delivers a deal assignment live to its owner only; list, mark read, count and email follow', async () => {
    const { admin, rep, other, pipeline, tenantId } = seeded;
    const repLive = subscribe<LiveNotification>(stack.wsUrl, rep.token, LIVE);
    const otherLive = subscribe<LiveNotification>(stack.wsUrl, other.token, LIVE);
    try {
      await subscribersReady(stack.gateway, 2);
      const deal = await createDeal(stack.gatewayUrl, admin.token, {
        pipelineId: pipeline.id,
        stageId: pipeline.stages[0]!.id,
        name: 'Assigned deal',
        amount: '500.00',
        currency: 'USD',
        ownerId: rep.id,
      });

      const received = await repLive.next((p) => p.data?.notificationReceived.recordId === deal.id);
      expect(received.errors).toBeUndefined();
      expect(received.data?.notificationReceived).toMatchObject({ kind: 'ASSIGNED', title: 'A deal was assigned to you', recordType: 'Deal', recordId: deal.id, read: false });
      const notificationId = received.data!.notificationReceived.id;

      // the other rep's subscription is live (an assignment to them arrives)… and never saw the rep's
      const theirs = await createDeal(stack.gatewayUrl, admin.token, { pipelineId: pipeline.id, name: 'Other deal', amount: '1.00', currency: 'USD', ownerId: other.id });
      await otherLive.next((p) => p.data?.notificationReceived.recordId === theirs.id);
      expect(otherLive.received.some((p) => p.data?.notificationReceived.recordId === deal.id)).toBe(false);
      expect(repLive.received.some((p) => p.data?.notificationReceived.recordId === theirs.id)).toBe(false);

      const before = await gqlOk<ListData>(stack.gatewayUrl, LIST, {}, { token: rep.token });
      expect(before.notifications.edges.map((e) => e.node)).toEqual([{ id: notificationId, kind: 'ASSIGNED', recordId: deal.id, read: false }]);
      expect(before.unreadNotificationCount).toBe(1);

      await gqlOk(stack.gatewayUrl, 'mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) { id read } }', { ids: [notificationId] }, { token: rep.token });
      const after = await gqlOk<ListData>(stack.gatewayUrl, LIST, {}, { token: rep.token });
      expect(after.unreadNotificationCount).toBe(0);
      expect(after.notifications.edges[0]?.node.read).toBe(true);

      const emails = await emailsOf(tenantId, rep.email);
      expect(emails).toHaveLength(1);
      expect(emails[0]!.data).toMatchObject({ id: notificationId, recordId: deal.id, title: 'A deal was assigned to you' });
    } finally {
      await repLive.close();
      await otherLive.close();
    }
  });

  it('refuses an invalid selection, and keeps the admin’s own action silent', async () => {
    const { admin } = seeded;
    const invalid = subscribe<LiveNotification>(stack.wsUrl, admin.token, 'subscription { notificationReceived { id nope } }');
    try {
      const first = await invalid.next(() => true, 10_000);
      expect(JSON.stringify(first.errors)).toMatch(/GRAPHQL_VALIDATION_FAILED|Cannot query field/);
    } finally {
      await invalid.close();
    }
    const own = await gqlOk<ListData>(stack.gatewayUrl, LIST, {}, { token: admin.token });
    expect(own.unreadNotificationCount).toBe(0);
  });
});
