/**
 * References to other subgraphs' records, on real PostgreSQL through the subgraph's GraphQL, with
 * a directory standing in for the gateway: only the ids a write sets are checked, in one request
 * per write (a batch included); an unknown one is BAD_USER_INPUT naming the argument and nothing is
 * written; without a gateway every reference is refused; when the check cannot answer, nothing is written either.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { noRecordDirectory, RecordDirectoryUnavailable, type RecordDirectory, type RecordRef } from '@crm/runtime';
import { startSalesHarness, type CallOptions, type SalesHarness } from '../../testing/sales-harness.ts';

/** The tenant's records as the stand-in gateway knows them; `mode` switches to a missing or failing gateway. */
const known = new Set<string>();
const asked: RecordRef[][] = [];
let mode: 'gateway' | 'none' | 'down' = 'gateway';
const directory: RecordDirectory = {
  async missing(tenantId, records) {
    asked.push([...records]);
    if (mode === 'none') return noRecordDirectory.missing(tenantId, records);
    if (mode === 'down') throw new RecordDirectoryUnavailable('the gateway could not be reached');
    return records.filter((record) => !known.has(`${tenantId}:${record.type}:${record.id}`));
  },
};

let h: SalesHarness;
beforeAll(async () => {
  h = await startSalesHarness({ records: directory });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  asked.length = 0;
  mode = 'gateway';
});

async function seed() {
  const tenantId = h.tenant();
  const pipeline = await h.subgraph.services.pipelines.create(tenantId, h.actor(), { name: 'Sales', stages: [{ name: 'Lead', probability: 10 }, { name: 'Demo', probability: 40 }, { name: 'Won', probability: 100 }] });
  const [account, user, contact] = [randomUUID(), randomUUID(), randomUUID()];
  known.add(`${tenantId}:ACCOUNT:${account}`).add(`${tenantId}:USER:${user}`).add(`${tenantId}:CONTACT:${contact}`);
  const admin: CallOptions = { tenantId };
  const deal = await h.subgraph.services.deals.create(tenantId, h.actor(), { pipelineId: pipeline.id, name: 'Seeded', amount: '5.00', currency: 'USD' });
  return { tenantId, pipeline, account, user, contact, admin, deal, foreign: randomUUID() };
}

const CREATE = 'mutation($input: CreateDealInput!) { createDeal(input: $input) { id } }';

describe('references to other subgraphs’ records', () => {
  it('checks only what a write sets, once per write', async () => {
    const t = await seed();
    const created = await h.call<{ createDeal: { id: string } }>(CREATE, { input: { pipelineId: t.pipeline.id, name: 'A', amount: '1.00', currency: 'USD', accountId: t.account, ownerId: t.user } }, t.admin);
    expect(created.errors).toBeUndefined();
    expect(asked).toEqual([[{ type: 'ACCOUNT', id: t.account }, { type: 'USER', id: t.user }]]);

    asked.length = 0;
    const id = created.data!.createDeal.id;
    expect((await h.call('mutation($id: ID!) { updateDeal(id: $id, input: { name: "B", accountId: null }) { id } }', { id }, t.admin)).errors).toBeUndefined();
    expect((await h.call('mutation($id: ID!, $s: ID!) { moveDeal(id: $id, stageId: $s) { id } }', { id, s: t.pipeline.stages[1]!.id }, t.admin)).errors).toBeUndefined();
    expect((await h.call('mutation($id: ID!, $u: ID!) { removeDealCollaborator(dealId: $id, userId: $u) { id } }', { id, u: t.user }, t.admin)).errors).toBeUndefined();
    // the caller's own user id needs no check
    const self = randomUUID();
    expect((await h.call('mutation($id: ID!, $u: ID!) { addDealCollaborator(dealId: $id, userId: $u) { id } }', { id, u: self }, { ...t.admin, userId: self })).errors).toBeUndefined();
    expect(asked).toEqual([]);

    const batch = await h.call<{ upsertDeals: Array<{ outcome: string; error: { field: string | null } | null }> }>(
      'mutation($inputs: [UpsertDealInput!]!) { upsertDeals(inputs: $inputs) { outcome error { field } } }',
      {
        inputs: [
          { pipelineId: t.pipeline.id, name: 'C', amount: '1.00', currency: 'USD', accountId: t.account },
          { pipelineId: t.pipeline.id, name: 'D', amount: '1.00', currency: 'USD', accountId: t.foreign },
          { id, ownerId: t.user, accountId: t.account },
        ],
      },
      t.admin,
    );
    expect(batch.data!.upsertDeals.map((item) => [item.outcome, item.error?.field ?? null])).toEqual([
      ['CREATED', null],
      ['FAILED', 'inputs.1.accountId'],
      ['UPDATED', null],
    ]);
    expect(asked).toHaveLength(1);
  });

  it('refuses a record that is not the tenant’s with BAD_USER_INPUT naming the argument, writing nothing', async () => {
    const t = await seed();
    const refused = await h.call(CREATE, { input: { pipelineId: t.pipeline.id, name: 'Foreign', amount: '1.00', currency: 'USD', accountId: t.foreign } }, t.admin);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'accountId' });
    const contact = await h.call('mutation($d: ID!, $c: ID!) { addDealContact(dealId: $d, contactId: $c) { id } }', { d: t.deal.id, c: t.foreign }, t.admin);
    expect(contact.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contactId' });
    const activity = await h.call('mutation($d: ID!, $u: ID!) { createActivity(input: { type: TASK, subject: "x", recordType: DEAL, recordId: $d, assigneeId: $u }) { id } }', { d: t.deal.id, u: t.foreign }, t.admin);
    expect(activity.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.assigneeId' });
    const NOTE = 'mutation($d: ID!, $body: String!) { createActivity(input: { type: NOTE, subject: "x", body: $body, recordType: DEAL, recordId: $d }) { id } }';
    const mention = await h.call(NOTE, { d: t.deal.id, body: `Ask @[Pat](user:${t.user}) and @[Sam](user:${t.foreign})` }, t.admin);
    expect(mention.errors?.[0]).toMatchObject({ message: `input.body mentions ${t.foreign}, who is not a user of the tenant`, extensions: { code: 'BAD_USER_INPUT', field: 'input.body' } });
    const QUOTA = 'mutation($u: ID!) { setQuota(ownerId: $u, period: { kind: MONTH, year: 2026, index: 12 }, amount: "10.00", currency: "USD") { id } }';
    expect((await h.call(QUOTA, { u: t.foreign }, t.admin)).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ownerId' });
    const counts = await Promise.all([
      h.admin.deal.count({ where: { tenantId: t.tenantId } }),
      h.admin.dealContact.count({ where: { tenantId: t.tenantId } }),
      h.admin.activity.count({ where: { tenantId: t.tenantId } }),
      h.admin.quota.count({ where: { tenantId: t.tenantId } }),
    ]);
    expect(counts).toEqual([1, 0, 0, 0]);
    // the tenant's own user may be mentioned and given a quota
    expect((await h.call(NOTE, { d: t.deal.id, body: `Ask @[Pat](user:${t.user})` }, t.admin)).errors).toBeUndefined();
    expect((await h.call(QUOTA, { u: t.user }, t.admin)).errors).toBeUndefined();
  });

  it('answers FORBIDDEN, not about the person, to a caller who may not change the deal', async () => {
    const t = await seed();
    const rep: CallOptions = { tenantId: t.tenantId, userId: randomUUID(), roles: ['SALES_REP'] };
    const people = [
      ['addDealContact', 'mutation($d: ID!, $x: ID!) { addDealContact(dealId: $d, contactId: $x) { id } }'],
      ['addDealCollaborator', 'mutation($d: ID!, $x: ID!) { addDealCollaborator(dealId: $d, userId: $x) { id } }'],
    ] as const;
    for (const [name, mutation] of people) {
      // the seeded deal is unowned: outside a rep's scope, whoever the person named
      expect((await h.call(mutation, { d: t.deal.id, x: t.foreign }, rep)).errors?.[0]?.extensions, name).toEqual({ code: 'FORBIDDEN' });
      // the tenant admin may change it: the foreign person is the problem
      expect((await h.call(mutation, { d: t.deal.id, x: t.foreign }, t.admin)).errors?.[0]?.extensions, name).toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    expect(await h.admin.dealContact.count({ where: { tenantId: t.tenantId } })).toBe(0);
  });

  it('refuses every reference without a gateway, and writes nothing when the check cannot answer', async () => {
    const t = await seed();
    mode = 'none';
    const unconfigured = await h.call(CREATE, { input: { pipelineId: t.pipeline.id, name: 'X', amount: '1.00', currency: 'USD', accountId: t.account } }, t.admin);
    expect(unconfigured.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'accountId' });
    // a deal without references needs no gateway
    expect((await h.call(CREATE, { input: { pipelineId: t.pipeline.id, name: 'Y', amount: '1.00', currency: 'USD' } }, t.admin)).errors).toBeUndefined();

    mode = 'down';
    const down = await h.call(CREATE, { input: { pipelineId: t.pipeline.id, name: 'Z', amount: '1.00', currency: 'USD', accountId: t.account } }, t.admin);
    expect(down.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(await h.admin.deal.count({ where: { tenantId: t.tenantId } })).toBe(2);
  });
});
