/**
 * Roles and scopes on deals and activities, on real PostgreSQL through the subgraph's GraphQL: a
 * rep reads and changes their own deals, a manager their team's, a tenant admin all of them
 * (unowned ones included). Deals outside the scope are missing from boards and catch-up pages,
 * resolve to null by id and through `_entities`, and refuse changes with FORBIDDEN.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesHarness, type CallOptions, type SalesHarness } from '../../testing/sales-harness.ts';

let h: SalesHarness;
beforeAll(async () => {
  h = await startSalesHarness();
});
afterAll(async () => {
  await h?.close();
});

const STAGES = [
  { name: 'Lead', probability: 10 },
  { name: 'Won', probability: 100 },
];

async function seed() {
  const tenantId = h.tenant();
  const pipeline = await h.subgraph.services.pipelines.create(tenantId, h.actor(), { name: 'Sales', stages: STAGES });
  const [manager, rep, mate, stranger] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const members = [manager, rep, mate];
  const who = {
    admin: { tenantId } satisfies CallOptions,
    manager: { tenantId, userId: manager, roles: ['SALES_MANAGER'], teamId: randomUUID(), teamMemberIds: members } satisfies CallOptions,
    rep: { tenantId, userId: rep, roles: ['SALES_REP'], teamId: randomUUID(), teamMemberIds: members } satisfies CallOptions,
    mate: { tenantId, userId: mate, roles: ['SALES_REP'] } satisfies CallOptions,
    stranger: { tenantId, userId: stranger, roles: ['SALES_REP'] } satisfies CallOptions,
  };
  const create = async (as: CallOptions, name: string, ownerId?: string) => {
    const result = await h.call<{ createDeal: { id: string; owner: { id: string } | null } }>(
      'mutation($input: CreateDealInput!) { createDeal(input: $input) { id owner { id } } }',
      { input: { pipelineId: pipeline.id, name, amount: '10', currency: 'USD', ...(ownerId ? { ownerId } : {}) } },
      as,
    );
    expect(result.errors).toBeUndefined();
    return result.data!.createDeal;
  };
  const deals = {
    rep: await create(who.rep, 'of rep'),
    mate: await create(who.mate, 'of mate'),
    stranger: await create(who.stranger, 'of stranger'),
    unowned: await create(who.admin, 'unowned'),
  };
  return { tenantId, pipeline, ids: { manager, rep, mate, stranger }, who, deals, create };
}

const board = async (as: CallOptions, pipelineId: string) => {
  const result = await h.call<{ deals: { name: string }[] }>('query($p: ID!) { deals(pipelineId: $p, first: 100) { name } }', { p: pipelineId }, as);
  expect(result.errors).toBeUndefined();
  return result.data!.deals.map((deal) => deal.name).sort();
};

describe('deals by scope', () => {
  it('gives a rep their own deals, a manager the team’s, an admin all of them', async () => {
    const t = await seed();
    expect(t.deals.rep.owner?.id).toBe(t.ids.rep);
    expect(t.deals.unowned.owner).toBeNull();
    expect(await board(t.who.rep, t.pipeline.id)).toEqual(['of rep']);
    expect(await board(t.who.manager, t.pipeline.id)).toEqual(['of mate', 'of rep']);
    expect(await board(t.who.admin, t.pipeline.id)).toEqual(['of mate', 'of rep', 'of stranger', 'unowned']);
    // the same deals through the pipeline
    const viaPipeline = await h.call<{ pipeline: { deals: { name: string }[] } }>('query($id: ID!) { pipeline(id: $id) { deals(first: 50) { name } } }', { id: t.pipeline.id }, t.who.manager);
    expect(viaPipeline.data!.pipeline.deals.map((deal) => deal.name).sort()).toEqual(['of mate', 'of rep']);
  });

  it('resolves a deal outside the scope to null, by id and through _entities', async () => {
    const t = await seed();
    const byId = async (as: CallOptions, id: string) => (await h.call<{ deal: { id: string } | null }>('query($id: ID!) { deal(id: $id) { id } }', { id }, as)).data!.deal;
    expect(await byId(t.who.rep, t.deals.mate.id)).toBeNull();
    expect(await byId(t.who.manager, t.deals.mate.id)).toEqual({ id: t.deals.mate.id });
    expect(await byId(t.who.manager, t.deals.unowned.id)).toBeNull();
    expect(await byId(t.who.admin, t.deals.unowned.id)).toEqual({ id: t.deals.unowned.id });

    const entities = await h.call<{ _entities: ({ id: string } | null)[] }>(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Deal { id } } }',
      { r: [t.deals.rep, t.deals.stranger].map(({ id }) => ({ __typename: 'Deal', id })) },
      t.who.rep,
    );
    expect(entities.data!._entities).toEqual([{ id: t.deals.rep.id }, null]);
  });

  it('leaves changes of deals outside the scope out of the board catch-up', async () => {
    const t = await seed();
    const CHANGES = 'query($p: ID!) { pipelineBoardChanges(pipelineId: $p, afterSequence: "0", first: 100) { events { type dealId deal { id } } hasMore } }';
    type Changes = { pipelineBoardChanges: { events: { type: string; dealId: string; deal: { id: string } | null }[]; hasMore: boolean } };
    const rep = (await h.call<Changes>(CHANGES, { p: t.pipeline.id }, t.who.rep)).data!.pipelineBoardChanges;
    expect(rep.events.map((e) => e.dealId)).toEqual([t.deals.rep.id]);
    expect(rep.events[0]!.deal).toEqual({ id: t.deals.rep.id });
    const admin = (await h.call<Changes>(CHANGES, { p: t.pipeline.id }, t.who.admin)).data!.pipelineBoardChanges;
    expect(admin.events.map((e) => e.dealId)).toEqual([t.deals.rep.id, t.deals.mate.id, t.deals.stranger.id, t.deals.unowned.id]);
  });
});

describe('changing deals by scope', () => {
  it('refuses changes to deals outside the scope with FORBIDDEN and allows them within it', async () => {
    const t = await seed();
    const rename = (as: CallOptions, id: string, input: Record<string, unknown>) =>
      h.call<{ updateDeal: { name: string } }>('mutation($id: ID!, $input: UpdateDealInput!) { updateDeal(id: $id, input: $input) { name } }', { id, input }, as);
    const code = (result: { errors?: { extensions?: Record<string, unknown> }[] }) => result.errors?.[0]?.extensions?.['code'];

    expect(code(await rename(t.who.rep, t.deals.mate.id, { name: 'taken' }))).toBe('FORBIDDEN');
    expect(code(await rename(t.who.rep, t.deals.rep.id, { ownerId: t.ids.stranger }))).toBe('FORBIDDEN');
    expect(code(await h.call('mutation($id: ID!) { deleteDeal(id: $id) }', { id: t.deals.stranger.id }, t.who.manager))).toBe('FORBIDDEN');
    const stages = await h.call<{ pipeline: { stages: { id: string }[] } }>('query($id: ID!) { pipeline(id: $id) { stages { id } } }', { id: t.pipeline.id }, t.who.admin);
    const moved = await h.call('mutation($id: ID!, $s: ID!) { moveDeal(id: $id, stageId: $s) { id } }', { id: t.deals.mate.id, s: stages.data!.pipeline.stages[1]!.id }, t.who.rep);
    expect(code(moved)).toBe('FORBIDDEN');

    expect((await rename(t.who.rep, t.deals.rep.id, { name: 'mine' })).data?.updateDeal.name).toBe('mine');
    expect((await rename(t.who.manager, t.deals.mate.id, { name: 'coached' })).data?.updateDeal.name).toBe('coached');
    expect((await rename(t.who.admin, t.deals.stranger.id, { name: 'audited' })).data?.updateDeal.name).toBe('audited');
    // the refused changes changed nothing
    expect(await board(t.who.admin, t.pipeline.id)).toEqual(['audited', 'coached', 'mine', 'unowned']);
  });

  it('refuses a change outside the scope before comparing versions: FORBIDDEN without the current values', async () => {
    const t = await seed();
    const extensionsOf = (result: { errors?: ReadonlyArray<{ extensions?: object }> }) => (result.errors?.[0]?.extensions ?? {}) as { code?: string; current?: Record<string, unknown> };
    const stages = await h.call<{ pipeline: { stages: { id: string }[] } }>('query($id: ID!) { pipeline(id: $id) { stages { id } } }', { id: t.pipeline.id }, t.who.admin);
    const moved = await h.call('mutation($id: ID!, $s: ID!, $v: Int) { moveDeal(id: $id, stageId: $s, expectedVersion: $v) { id } }', { id: t.deals.mate.id, s: stages.data!.pipeline.stages[1]!.id, v: 99 }, t.who.rep);
    expect(extensionsOf(moved)).toEqual({ code: 'FORBIDDEN' });
    const stale = await h.call('mutation($id: ID!, $v: Int) { deleteDeal(id: $id, expectedVersion: $v) }', { id: t.deals.stranger.id, v: 99 }, t.who.manager);
    expect(extensionsOf(stale)).toEqual({ code: 'FORBIDDEN' });
    // within the scope the same stale version is a CONFLICT carrying the current values
    const conflict = await h.call('mutation($id: ID!, $s: ID!, $v: Int) { moveDeal(id: $id, stageId: $s, expectedVersion: $v) { id } }', { id: t.deals.mate.id, s: stages.data!.pipeline.stages[1]!.id, v: 99 }, t.who.manager);
    expect(extensionsOf(conflict)).toMatchObject({ code: 'CONFLICT', current: { id: t.deals.mate.id } });
    expect(await board(t.who.admin, t.pipeline.id)).toHaveLength(4);
  });

  it('refuses line items, collaborators and contacts on deals outside the scope, and allows them within it', async () => {
    const t = await seed();
    const code = (result: { errors?: { extensions?: Record<string, unknown> }[] }) => result.errors?.[0]?.extensions?.['code'];
    const version = async (dealId: string) =>
      (await h.call<{ deal: { version: number } }>('query($id: ID!) { deal(id: $id) { version } }', { id: dealId }, t.who.admin)).data!.deal.version;
    const contact = randomUUID();
    // each change as a thunk, run one after another (they change one deal)
    const changes = (as: CallOptions, dealId: string) => [
      async () =>
        h.call(
          'mutation($id: ID!, $v: Int!, $items: [DealLineItemInput!]!) { setDealLineItems(dealId: $id, expectedVersion: $v, items: $items) { id } }',
          { id: dealId, v: await version(dealId), items: [{ description: 'Seats', quantity: '2', unitPrice: '50.00' }] },
          as,
        ),
      () => h.call('mutation($id: ID!, $u: ID!) { addDealCollaborator(dealId: $id, userId: $u) { id } }', { id: dealId, u: t.ids.manager }, as),
      () => h.call('mutation($id: ID!, $u: ID!) { removeDealCollaborator(dealId: $id, userId: $u) { id } }', { id: dealId, u: t.ids.manager }, as),
      () => h.call('mutation($id: ID!, $c: ID!) { addDealContact(dealId: $id, contactId: $c) { id } }', { id: dealId, c: contact }, as),
      () => h.call('mutation($id: ID!, $c: ID!) { removeDealContact(dealId: $id, contactId: $c) { id } }', { id: dealId, c: contact }, as),
    ];
    const before = await version(t.deals.mate.id);
    for (const refused of changes(t.who.rep, t.deals.mate.id)) expect(code(await refused())).toBe('FORBIDDEN');
    expect(await version(t.deals.mate.id)).toBe(before);

    for (const allowed of changes(t.who.rep, t.deals.rep.id)) expect((await allowed()).errors).toBeUndefined();
    for (const allowed of changes(t.who.manager, t.deals.mate.id)) expect((await allowed()).errors).toBeUndefined();
    expect(await version(t.deals.mate.id)).toBe(before + 5);
  });

  it('upserts an existing deal all or nothing: refused outside the scope, renamed and moved together within it', async () => {
    const t = await seed();
    const other = await h.subgraph.services.pipelines.create(t.tenantId, h.actor(), { name: 'Other', stages: STAGES });
    const stages = (await h.call<{ pipeline: { stages: { id: string }[] } }>('query($id: ID!) { pipeline(id: $id) { stages { id } } }', { id: t.pipeline.id }, t.who.admin)).data!.pipeline.stages;
    type Row = { outcome: string; deal: { name: string; version: number; stage: { id: string } } | null; error: { code: string; field: string | null } | null };
    const upsert = async (as: CallOptions, inputs: Record<string, unknown>[]) => {
      const result = await h.call<{ upsertDeals: Row[] }>('mutation($inputs: [UpsertDealInput!]!) { upsertDeals(inputs: $inputs) { outcome deal { name version stage { id } } error { code field } } }', { inputs }, as);
      expect(result.errors).toBeUndefined();
      return result.data!.upsertDeals.map((row) => [row.outcome, row.error?.code ?? null, row.error?.field ?? null]);
    };
    const state = async (dealId: string) => (await h.call<{ deal: { name: string; version: number; stage: { id: string } } }>('query($id: ID!) { deal(id: $id) { name version stage { id } } }', { id: dealId }, t.who.admin)).data!.deal;
    const before = await state(t.deals.mate.id);

    expect(
      await upsert(t.who.rep, [
        { id: t.deals.mate.id, name: 'taken', stageId: stages[1]!.id },
        { id: t.deals.rep.id, ownerId: t.ids.stranger },
        // within the scope, but the move cannot be made: the rename is not written either
        { id: t.deals.rep.id, name: 'renamed, then refused', stageId: other.stages[1]!.id },
        { id: t.deals.rep.id, name: 'renamed, other pipeline', pipelineId: other.id },
      ]),
    ).toEqual([
      ['FAILED', 'FORBIDDEN', 'inputs.0'],
      ['FAILED', 'FORBIDDEN', 'inputs.1'],
      ['FAILED', 'BAD_USER_INPUT', 'inputs.2.stageId'],
      ['FAILED', 'BAD_USER_INPUT', 'inputs.3.pipelineId'],
    ]);
    expect(await state(t.deals.mate.id)).toEqual(before);
    expect(await state(t.deals.rep.id)).toMatchObject({ name: 'of rep', version: 1 });

    // a rename and a move are one change of the deal: two board events, one after the other
    expect(await upsert(t.who.rep, [{ id: t.deals.rep.id, name: 'moved on', stageId: stages[1]!.id, expectedVersion: 1 }])).toEqual([['UPDATED', null, null]]);
    expect(await state(t.deals.rep.id)).toEqual({ name: 'moved on', version: 3, stage: { id: stages[1]!.id } });
    const changes = await h.call<{ pipelineBoardChanges: { events: { type: string; dealId: string; sequence: string }[] } }>(
      'query($p: ID!) { pipelineBoardChanges(pipelineId: $p, afterSequence: "0", first: 100) { events { type dealId sequence } } }',
      { p: t.pipeline.id },
      t.who.rep,
    );
    const events = changes.data!.pipelineBoardChanges.events.filter((event) => event.dealId === t.deals.rep.id && event.type !== 'DEAL_CREATED');
    expect(events.map((event) => event.type)).toEqual(['DEAL_UPDATED', 'DEAL_MOVED']);
    expect(Number(events[1]!.sequence)).toBe(Number(events[0]!.sequence) + 1);
  });

  it('lets a rep create only their own deals, and a manager deals of the team', async () => {
    const t = await seed();
    const refused = await h.call(
      'mutation($input: CreateDealInput!) { createDeal(input: $input) { id } }',
      { input: { pipelineId: t.pipeline.id, name: 'for mate', amount: '1', currency: 'USD', ownerId: t.ids.mate } },
      t.who.rep,
    );
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await t.create(t.who.manager, 'for mate', t.ids.mate)).owner?.id).toBe(t.ids.mate);
  });
});

describe('activities by scope', () => {
  it('shows a rep the activities assigned to them (or left unassigned by them) and refuses others', async () => {
    const t = await seed();
    const CREATE = 'mutation($input: CreateActivityInput!) { createActivity(input: $input) { id } }';
    const activity = async (as: CallOptions, subject: string, assigneeId?: string) => {
      const result = await h.call<{ createActivity: { id: string } }>(
        CREATE,
        { input: { type: 'TASK', subject, recordType: 'DEAL', recordId: t.deals.rep.id, ...(assigneeId ? { assigneeId } : {}) } },
        as,
      );
      expect(result.errors).toBeUndefined();
      return result.data!.createActivity;
    };
    const own = await activity(t.who.rep, 'own task');
    const assigned = await activity(t.who.admin, 'assigned to rep', t.ids.rep);
    const foreign = await activity(t.who.admin, 'for the stranger', t.ids.stranger);

    const LIST = 'query($id: ID!) { activities(recordType: DEAL, recordId: $id) { subject } deal(id: $id) { activities { subject } } }';
    const seen = await h.call<{ activities: { subject: string }[]; deal: { activities: { subject: string }[] } }>(LIST, { id: t.deals.rep.id }, t.who.rep);
    expect(seen.data!.activities.map((a) => a.subject).sort()).toEqual(['assigned to rep', 'own task']);
    expect(seen.data!.deal.activities.map((a) => a.subject).sort()).toEqual(['assigned to rep', 'own task']);
    const byId = await h.call<{ activity: { id: string } | null }>('query($id: ID!) { activity(id: $id) { id } }', { id: foreign.id }, t.who.rep);
    expect(byId.data!.activity).toBeNull();

    const complete = (id: string) => h.call('mutation($id: ID!) { completeActivity(id: $id) { id } }', { id }, t.who.rep);
    expect((await complete(foreign.id)).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await complete(assigned.id)).errors).toBeUndefined();
    expect((await complete(own.id)).errors).toBeUndefined();
    const forOther = await h.call(CREATE, { input: { type: 'TASK', subject: 'x', recordType: 'DEAL', recordId: t.deals.rep.id, assigneeId: t.ids.mate } }, t.who.rep);
    expect(forOther.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });
});
