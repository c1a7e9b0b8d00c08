/**
 * Lead import batches on real PostgreSQL give leads the owners and scores `createLead` gives them:
 * a rotation over a team takes consecutive turns shared with `createLead` across batches, a
 * territory goes to its user without using a turn, and breakdowns are kept as `createLead` keeps them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principalOf } from '@crm/authz';
import { forTenant } from '@crm/db';
import { startCustomerHarness, type CustomerHarness } from '../../testing/harness.ts';
import { mappedColumns, suggestMapping } from './lib/contact-rows.ts';
import { LEAD_SPEC, readLeadRow } from './lib/record-rows.ts';
import { writeLeadBatch } from './services/lead-batch.ts';

let h: CustomerHarness;
beforeAll(async () => {
  h = await startCustomerHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('lead import batches', () => {
  it('assign and score as createLead does, across batches', async () => {
    const t = h.newTenant();
    const { tenantId } = t;
    const db = forTenant(h.subgraph.prisma, tenantId);
    const teamId = randomUUID();
    const members = [randomUUID(), randomUUID(), randomUUID()].sort();
    const territoryOwner = randomUUID();
    await db.leadAssignee.createMany({ data: [...members.map((userId) => ({ tenantId, userId, teamId })), { tenantId, userId: territoryOwner, teamId: null }] });
    await h.subgraph.services.leadAssignment.setRules(tenantId, [
      { name: 'Acme', kind: 'TERRITORY', conditions: [{ field: 'COMPANY', operator: 'CONTAINS', value: 'acme' }], userId: territoryOwner },
      { name: 'Team', kind: 'ROUND_ROBIN', teamId },
    ]);
    await h.subgraph.services.leadScoring.setRules(tenantId, { fieldRules: [{ label: 'Corp', points: 15, field: 'COMPANY', operator: 'CONTAINS', value: 'corp' }], eventRules: [] });
    const actor = { userId: t.userId, kind: 'user' as const };

    const first = await h.subgraph.services.leads.create(tenantId, actor, { name: 'API one', company: 'Big Corp' });
    const columns = ['Name', 'Email', 'Company'];
    const mapped = mappedColumns(columns, suggestMapping(columns, [], LEAD_SPEC));
    const batch = async (rows: string[][], from: number) => {
      const jobId = randomUUID();
      return db.$transaction((tx) =>
        writeLeadBatch(tx, {
          jobId,
          tenantId,
          policy: 'UPDATE',
          principal: principalOf({ ...t.identity, tenantId }),
          defaultOwnerId: null,
          definitions: [],
          statusColumn: null,
          rows: rows.map((cells, i) => ({ reading: readLeadRow(from + i, cells, 3, mapped, new Map()), cells })),
        }),
      );
    };
    expect(await batch([['Imp one', 'one@imp.example', 'Small shop'], ['Imp acme', 'acme@imp.example', 'ACME Corp'], ['Imp two', 'two@imp.example', 'Corp two']], 2)).toEqual({
      created: 3,
      updated: 0,
      skipped: 0,
      failed: 0,
    });
    expect(await batch([['Imp three', 'three@imp.example', 'x'], ['Imp one again', 'ONE@imp.example', 'Small shop']], 5)).toEqual({ created: 1, updated: 1, skipped: 0, failed: 0 });
    const last = await h.subgraph.services.leads.create(tenantId, actor, { name: 'API two' });

    const byName = new Map((await db.lead.findMany()).map((lead) => [lead.name, lead]));
    // turns: API one 1, Imp one 2, Imp two 3, Imp three 4, API two 5 (the territory lead takes none)
    expect([first.ownerId, byName.get('Imp one again')!.ownerId, byName.get('Imp two')!.ownerId, byName.get('Imp three')!.ownerId, last.ownerId]).toEqual([
      members[0],
      members[1],
      members[2],
      members[0],
      members[1],
    ]);
    expect(byName.get('Imp acme')).toMatchObject({ ownerId: territoryOwner, score: 15 });
    expect(byName.get('Imp two')!.score).toBe(15);
    expect(byName.get('Imp three')!.score).toBe(0);
    const breakdowns = new Set((await db.leadScore.findMany()).map((row) => row.leadId));
    expect(breakdowns.has(byName.get('Imp acme')!.id)).toBe(true);
    // createLead keeps no breakdown for a new lead no rule scored; the import neither
    expect(breakdowns.has(byName.get('Imp three')!.id)).toBe(false);
    // an updated lead is rescored and keeps its breakdown, as updateLead does
    expect(breakdowns.has(byName.get('Imp one again')!.id)).toBe(true);
  });
});
