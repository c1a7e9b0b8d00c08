/**
 * Lead scores decay between events on real PostgreSQL: the decay job finds the tenants whose
 * event rules have a half-life and rescores their leads with events as of the run, leaving other
 * tenants and leads without events alone.
 */
import { randomUUID } from 'node:crypto';
import { forTenant } from '@crm/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCustomerHarness, type CustomerHarness } from '../../testing/harness.ts';

let h: CustomerHarness;
beforeAll(async () => {
  h = await startCustomerHarness();
});
afterAll(async () => {
  await h?.close();
});

const DAY = 86_400_000;

async function scoreOf(tenantId: string, leadId: string) {
  return (await forTenant(h.subgraph.prisma, tenantId).lead.findFirst({ where: { id: leadId }, select: { score: true } }))?.score;
}

describe('lead score decay', () => {
  it('rescores leads with events in tenants whose rules decay, as of the run', async () => {
    const scoring = h.subgraph.services.leadScoring;
    const decaying = h.newTenant();
    const steady = h.newTenant();
    const actor = (userId: string) => ({ userId, kind: 'user' as const });
    await scoring.setRules(decaying.tenantId, { fieldRules: [], eventRules: [{ label: 'Call logged', event: 'ACTIVITY_LOGGED', points: 40, halfLifeDays: 1 }] });
    await scoring.setRules(steady.tenantId, { fieldRules: [], eventRules: [{ label: 'Call logged', event: 'ACTIVITY_LOGGED', points: 40 }] });

    const now = new Date();
    const leads = [];
    for (const tenant of [decaying, steady]) {
      const active = await h.subgraph.services.leads.create(tenant.tenantId, actor(tenant.userId), { name: 'Active lead' });
      const quiet = await h.subgraph.services.leads.create(tenant.tenantId, actor(tenant.userId), { name: 'Quiet lead' });
      await scoring.recordEvent({ id: randomUUID(), tenantId: tenant.tenantId, leadId: active.id, kind: 'ACTIVITY_LOGGED', activityType: 'CALL', occurredAt: now });
      leads.push({ tenant, active, quiet });
    }
    expect(await scoreOf(decaying.tenantId, leads[0]!.active.id)).toBe(40);

    const changed = await h.subgraph.scoreDecay.runOnce(new Date(now.getTime() + 2 * DAY));
    expect(changed.get(decaying.tenantId)).toBe(1);
    expect(changed.has(steady.tenantId)).toBe(false);
    expect(await scoreOf(decaying.tenantId, leads[0]!.active.id)).toBe(10);
    expect(await scoreOf(decaying.tenantId, leads[0]!.quiet.id)).toBe(0);
    expect(await scoreOf(steady.tenantId, leads[1]!.active.id)).toBe(40);
  });
});
