/**
 * Activities against real PostgreSQL: linking to deals and other records, completion,
 * deletion, events, batching and refusals that write nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesHarness, type GraphQLResult, type SalesHarness } from '../../testing/sales-harness.ts';

let h: SalesHarness;
beforeAll(async () => {
  h = await startSalesHarness();
});
afterAll(async () => {
  await h?.close();
});

async function dealOfNewTenant() {
  const tenantId = h.tenant();
  const pipeline = await h.subgraph.services.pipelines.create(tenantId, h.actor(), { name: 'Sales', stages: [{ name: 'Lead', probability: 10 }] });
  const deal = await h.subgraph.services.deals.create(tenantId, h.actor(), { pipelineId: pipeline.id, name: 'Acme', amount: '1', currency: 'USD' });
  return { tenantId, pipeline, deal };
}

const CREATE = 'mutation ($input: CreateActivityInput!) { createActivity(input: $input) { id type subject recordType recordId deal { id } dueAt isOverdue assignee { id } createdBy { id } completedAt version } }';
const COMPLETE = 'mutation ($id: ID!, $v: Int) { completeActivity(id: $id, expectedVersion: $v) { id completedAt version isOverdue } }';
const errorOf = (result: GraphQLResult<unknown>) => result.errors?.[0]?.extensions;
type ActivityView = { id: string; type: string; deal: { id: string } | null; isOverdue: boolean; completedAt: string | null; version: number; createdBy: { id: string } | null };

describe('activities', () => {
  it('creates a task on a deal, completes it and lists it on the deal, with events', async () => {
    const { tenantId, deal } = await dealOfNewTenant();
    const userId = randomUUID();
    const assigneeId = randomUUID();
    const created = await h.call<{ createActivity: ActivityView }>(
      CREATE,
      { input: { type: 'TASK', subject: ' Send proposal ', recordType: 'DEAL', recordId: deal.id, dueAt: '2020-01-01T09:00:00.000Z', assigneeId } },
      { tenantId, userId },
    );
    expect(created.errors).toBeUndefined();
    const task = created.data!.createActivity;
    expect(task).toMatchObject({ type: 'TASK', subject: 'Send proposal', deal: { id: deal.id }, isOverdue: true, assignee: { id: assigneeId }, createdBy: { id: userId }, version: 1 });

    const done = await h.call<{ completeActivity: ActivityView }>(COMPLETE, { id: task.id, v: 1 }, { tenantId });
    expect(done.data!.completeActivity).toMatchObject({ version: 2, isOverdue: false });
    const stale = await h.call(COMPLETE, { id: task.id, v: 1 }, { tenantId });
    expect(errorOf(stale)).toMatchObject({ code: 'CONFLICT', current: { version: 2 } });

    await h.call(CREATE, { input: { type: 'NOTE', subject: 'Met at fair', recordType: 'DEAL', recordId: deal.id } }, { tenantId });
    const listed = await h.call<{ deal: { activities: Array<{ subject: string }> }; activities: Array<{ subject: string }> }>(
      'query ($id: ID!) { deal(id: $id) { activities { subject } } activities(recordType: DEAL, recordId: $id) { subject } }',
      { id: deal.id },
      { tenantId },
    );
    expect(listed.data?.deal.activities.map((a) => a.subject)).toEqual(['Send proposal', 'Met at fair']);
    expect(listed.data?.activities.map((a) => a.subject)).toEqual(['Send proposal', 'Met at fair']);

    const types = (await h.admin.outboxEvent.findMany({ where: { tenantId, type: { startsWith: 'sales.activity.' } }, orderBy: { seq: 'asc' } })).map((e) => e.type);
    expect(types).toEqual(['sales.activity.created', 'sales.activity.completed', 'sales.activity.created']);
  });

  it('links activities to records of other subgraphs and deletes them', async () => {
    const { tenantId } = await dealOfNewTenant();
    const contactId = randomUUID();
    const created = await h.call<{ createActivity: ActivityView }>(CREATE, { input: { type: 'CALL', subject: 'Intro call', recordType: 'CONTACT', recordId: contactId } }, { tenantId });
    expect(created.data!.createActivity).toMatchObject({ deal: null, isOverdue: false });
    const id = created.data!.createActivity.id;
    expect((await h.call<{ deleteActivity: string }>('mutation ($id: ID!) { deleteActivity(id: $id) }', { id }, { tenantId })).data?.deleteActivity).toBe(id);
    const after = await h.call<{ activity: unknown; activities: unknown[] }>(
      'query ($id: ID!, $c: ID!) { activity(id: $id) { id } activities(recordType: CONTACT, recordId: $c) { id } }',
      { id, c: contactId },
      { tenantId },
    );
    expect(after.data).toEqual({ activity: null, activities: [] });
    expect(errorOf(await h.call('mutation ($id: ID!) { deleteActivity(id: $id) }', { id }, { tenantId }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses bad input and foreign records, writing nothing', async () => {
    const { tenantId, deal } = await dealOfNewTenant();
    const other = await dealOfNewTenant();
    const before = await h.admin.outboxEvent.count({ where: { tenantId } });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ type: 'TASK', subject: ' ', recordType: 'DEAL', recordId: deal.id }, 'input.subject'],
      [{ type: 'TASK', subject: 'x', recordType: 'DEAL', recordId: 'nope' }, 'input.recordId'],
      [{ type: 'TASK', subject: 'x', recordType: 'DEAL', recordId: other.deal.id }, 'input.recordId'],
      [{ type: 'TASK', subject: 'x', recordType: 'LEAD', recordId: randomUUID(), assigneeId: 'me' }, 'input.assigneeId'],
    ];
    for (const [input, field] of cases) expect(errorOf(await h.call(CREATE, { input }, { tenantId }))).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await h.admin.activity.count({ where: { tenantId } })).toBe(0);
    expect(await h.admin.outboxEvent.count({ where: { tenantId } })).toBe(before);
    const foreign = await h.call<{ createActivity: ActivityView }>(CREATE, { input: { type: 'NOTE', subject: 'n', recordType: 'DEAL', recordId: other.deal.id } }, { tenantId: other.tenantId });
    expect(errorOf(await h.call(COMPLETE, { id: foreign.data!.createActivity.id }, { tenantId }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('loads the activities of many deals with one statement', async () => {
    const { tenantId, pipeline } = await dealOfNewTenant();
    const deals = await h.subgraph.services.deals.createMany(tenantId, h.actor(), Array.from({ length: 5 }, (_, i) => ({ pipelineId: pipeline.id, name: `D${i}`, amount: '1', currency: 'USD' })));
    for (const deal of deals) await h.subgraph.services.activities.create(tenantId, h.actor(), { type: 'NOTE', subject: `about ${deal.name}`, recordType: 'DEAL', recordId: deal.id });
    h.database.statements.reset();
    const result = await h.call<{ deals: Array<{ name: string; activities: Array<{ subject: string }> }> }>(
      'query ($p: ID!) { deals(pipelineId: $p) { name activities { subject } } }',
      { p: pipeline.id },
      { tenantId },
    );
    const listed = result.data!.deals.filter((d) => d.name.startsWith('D'));
    expect(listed).toHaveLength(deals.length);
    for (const deal of listed) expect(deal.activities.map((a) => a.subject)).toEqual([`about ${deal.name}`]);
    expect(h.database.statements.queries.filter((sql) => /"Activity"/.test(sql))).toHaveLength(1);
  });
});
