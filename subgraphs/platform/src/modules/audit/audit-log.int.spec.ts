/** The audit log on real PostgreSQL: consumed from every domain topic, once, append-only, paged, admins only. */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forTenant, withTenantTransaction } from '@crm/db';
import { createEvent, topicOf, type EventDomain } from '@crm/events';
import { graphql, seedTenant, startTestPlatform, type TestPlatform } from '../../test-support.ts';
import { AUDITED_DOMAINS, UNAUDITED_TYPES } from './services/audit-consumer.ts';

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.stop();
});

const AUDIT_LOG = `query($filter: AuditLogFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id actorId actorKind action recordType recordId changes requestId occurredAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

interface AuditNode {
  id: string;
  actorId: string | null;
  actorKind: string;
  action: string;
  recordType: string;
  recordId: string;
  changes: unknown;
  requestId: string | null;
  occurredAt: string;
}
interface AuditLogData {
  auditLog: { edges: Array<{ cursor: string; node: AuditNode }>; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null } };
}

const domainEvent = (domain: EventDomain, tenantId: string, userId: string, recordId: string, minutesAgo: number, payload: Record<string, unknown>) =>
  createEvent({
    type: `${domain}.thing.updated`,
    tenantId,
    actor: { userId, kind: 'user' },
    aggregateId: recordId,
    payload,
    occurredAt: new Date(Date.now() - minutesAgo * 60_000),
  });

async function auditCount(tenantId: string): Promise<number> {
  return forTenant(t.platform.prisma, tenantId).auditEntry.count();
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not reached');
}

describe('audit consumer', () => {
  it('records one entry per event of every domain topic, however often it is delivered', async () => {
    const { tenant, admin } = await seedTenant(t.platform);
    const events = AUDITED_DOMAINS.map((domain, i) =>
      domainEvent(domain, tenant.id, admin.id, randomUUID(), i, { changed: { name: { from: 'a', to: `b${i}` } }, requestId: `req-${i}` }),
    );
    for (const event of events) {
      const topic = topicOf(event.type.split('.')[0] as EventDomain);
      await t.bus.publish(topic, [event]);
      await t.bus.publish(topic, [event]); // redelivery
    }
    const audited = () => forTenant(t.platform.prisma, tenant.id).auditEntry.findMany({ where: { action: { endsWith: '.thing.updated' } }, orderBy: { occurredAt: 'desc' } });
    await until(async () => (await audited()).length >= events.length);
    // The tenant's own provisioning (tenant and its three users) is audited too.
    await until(async () => (await auditCount(tenant.id)) >= events.length + 4);

    const entries = await audited();
    expect(await auditCount(tenant.id)).toBe(events.length + 4);
    expect(entries.map((entry) => entry.action)).toEqual(AUDITED_DOMAINS.map((domain) => `${domain}.thing.updated`));
    expect(entries[0]).toMatchObject({
      tenantId: tenant.id,
      eventId: events[0]!.id,
      actorId: admin.id,
      actorKind: 'user',
      recordType: 'thing',
      recordId: events[0]!.aggregateId,
      changes: { name: { from: 'a', to: 'b0' } },
      requestId: 'req-0',
    });
  });

  it('leaves out notifications delivered to users: they repeat a change already audited', async () => {
    const { tenant, admin } = await seedTenant(t.platform);
    const [type] = [...UNAUDITED_TYPES] as [string];
    const notification = createEvent({ type, tenantId: tenant.id, actor: { userId: null, kind: 'system' }, aggregateId: randomUUID(), payload: { recipientId: admin.id } });
    const change = domainEvent('platform', tenant.id, admin.id, randomUUID(), 0, { changed: { name: { from: 'a', to: 'b' } } });
    // the bus keeps per-key order only: the change goes under the notification's key so it is consumed after it
    const sameKey = { orderingKey: () => notification.aggregateId };
    await t.bus.publish(topicOf('platform'), [notification, change], sameKey);
    const recorded = () => forTenant(t.platform.prisma, tenant.id).auditEntry.findMany({ where: { recordId: { in: [notification.aggregateId, change.aggregateId] } } });
    await until(async () => (await recorded()).length >= 1);
    expect((await recorded()).map((entry) => entry.action)).toEqual(['platform.thing.updated']);
  });

  it('keeps the whole payload when the event names no changed fields', async () => {
    const { tenant, admin, as } = await seedTenant(t.platform);
    const event = domainEvent('sales', tenant.id, admin.id, randomUUID(), 0, { from: 'stage-1', to: 'stage-2' });
    await t.platform.services.auditLog.record(event);
    expect(await t.platform.services.auditLog.record(event)).toBe('duplicate');
    const result = await graphql<AuditLogData>(t.url, as.admin, AUDIT_LOG, { filter: { recordId: event.aggregateId } });
    expect(result.data!.auditLog.edges.map((edge) => edge.node)).toEqual([
      expect.objectContaining({ action: 'sales.thing.updated', changes: { from: 'stage-1', to: 'stage-2' }, requestId: null, occurredAt: event.occurredAt }),
    ]);
  });
});

describe('auditLog query', () => {
  it('pages newest first and filters by record, actor and time', async () => {
    const { tenant, admin, rep, as } = await seedTenant(t.platform);
    const record = randomUUID();
    for (let i = 0; i < 5; i++) await t.platform.services.auditLog.record(domainEvent('customer', tenant.id, i % 2 ? rep.id : admin.id, record, 50 - i, { i }));

    const pages: AuditNode[][] = [];
    let after: string | null = null;
    for (;;) {
      const result: Awaited<ReturnType<typeof graphql<AuditLogData>>> = await graphql<AuditLogData>(t.url, as.admin, AUDIT_LOG, { filter: { recordId: record }, first: 2, after });
      expect(result.errors).toBeUndefined();
      const page = result.data!.auditLog;
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      pages.push(page.edges.map((edge) => edge.node));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((node) => (node.changes as { i: number }).i)).toEqual([4, 3, 2, 1, 0]);

    const byRep = await graphql<AuditLogData>(t.url, as.admin, AUDIT_LOG, { filter: { recordId: record, actorId: rep.id } });
    expect(byRep.data!.auditLog.edges.map((edge) => (edge.node.changes as { i: number }).i)).toEqual([3, 1]);

    const window = await graphql<AuditLogData>(t.url, as.admin, AUDIT_LOG, {
      filter: { recordId: record, from: new Date(Date.now() - 48.5 * 60_000).toISOString(), to: new Date(Date.now() - 46.5 * 60_000).toISOString() },
    });
    expect(window.data!.auditLog.edges.map((edge) => (edge.node.changes as { i: number }).i)).toEqual([3, 2]);
  });

  it('is for tenant admins only, and shows nothing of other tenants', async () => {
    const acme = await seedTenant(t.platform);
    const globex = await seedTenant(t.platform);
    const record = randomUUID();
    await t.platform.services.auditLog.record(domainEvent('sales', acme.tenant.id, acme.admin.id, record, 0, {}));

    for (const caller of [acme.as.rep, acme.as.manager]) {
      const denied = await graphql(t.url, caller, AUDIT_LOG, {});
      expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(denied.data).toBeNull();
    }
    const foreign = await graphql<AuditLogData>(t.url, globex.as.admin, AUDIT_LOG, { filter: { recordId: record } });
    expect(foreign.data!.auditLog.edges).toEqual([]);
  });

  it('refuses bad arguments with the field named', async () => {
    const { as } = await seedTenant(t.platform);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ first: 0 }, 'first'],
      [{ first: 101 }, 'first'],
      [{ after: 'garbage' }, 'after'],
      [{ filter: { actorId: 'someone' } }, 'filter.actorId'],
      [{ filter: { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' } }, 'filter.from'],
    ];
    for (const [variables, field] of cases) {
      const result = await graphql(t.url, as.admin, AUDIT_LOG, variables);
      expect(result.errors?.[0]?.extensions, JSON.stringify(variables)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });
});

describe('append-only store', () => {
  it('refuses updates, deletes and truncation by the application role', async () => {
    const { tenant, admin } = await seedTenant(t.platform);
    const event = domainEvent('sales', tenant.id, admin.id, randomUUID(), 0, {});
    await t.platform.services.auditLog.record(event);
    const run = (sql: string) => withTenantTransaction(t.platform.prisma, tenant.id, (tx) => tx.$executeRawUnsafe(sql));
    // The application role holds no UPDATE or DELETE privilege on the table (and no row policy admits them).
    await expect(run(`UPDATE "AuditEntry" SET "action" = 'forged' WHERE "eventId" = '${event.id}'`)).rejects.toThrow(/permission denied/);
    await expect(run(`DELETE FROM "AuditEntry" WHERE "eventId" = '${event.id}'`)).rejects.toThrow(/permission denied/);
    await expect(run(`TRUNCATE "AuditEntry"`)).rejects.toThrow();
    // Even the table owner (which bypasses row-level security) is stopped by the trigger.
    const owner = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:5432/${t.scratch.name}` });
    await owner.connect();
    try {
      await expect(owner.query(`UPDATE "AuditEntry" SET "action" = 'forged' WHERE "eventId" = $1`, [event.id])).rejects.toThrow(/append-only/);
      await expect(owner.query(`DELETE FROM "AuditEntry" WHERE "eventId" = $1`, [event.id])).rejects.toThrow(/append-only/);
    } finally {
      await owner.end();
    }
    const entry = await forTenant(t.platform.prisma, tenant.id).auditEntry.findUniqueOrThrow({ where: { eventId: event.id } });
    expect(entry.action).toBe('sales.thing.updated');
  });
});
