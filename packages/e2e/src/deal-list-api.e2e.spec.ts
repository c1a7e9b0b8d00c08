/**
 * The deal list API through the gateway: Relay pages with filters and ordering, group counts with
 * amount sums, and batch writes with per-item results; all within the caller's deal scope (a rep
 * sees their own deals, a manager their team's, an admin all).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createPipeline, createTenantWithUsers, gql, gqlOk, STANDARD_STAGES, startRealStack } from '@crm/testkit';

let stack: Stack;
type User = { id: string; token: string; name: string };
let admin: User;
let manager: User;
let rep: User;
let teammate: User;
let outsider: User;
let pipeline: Awaited<ReturnType<typeof createPipeline>>;
let tenantId: string;

const BATCH_RESULT = 'index outcome deal { id name amount currency version stage { id } owner { id } } error { code message field }';
const UPSERT = `mutation($inputs: [UpsertDealInput!]!) { upsertDeals(inputs: $inputs) { ${BATCH_RESULT} } }`;
const CREATE = `mutation($inputs: [CreateDealInput!]!) { createDeals(inputs: $inputs) { ${BATCH_RESULT} } }`;
const UPDATE = `mutation($inputs: [UpdateDealsItem!]!) { updateDeals(inputs: $inputs) { ${BATCH_RESULT} } }`;
const LIST = /* GraphQL */ `
  query List($first: Int, $after: String, $last: Int, $before: String, $filter: DealFilter, $orderBy: [DealOrder!]) {
    dealsConnection(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
      totalCount
      edges { cursor node { id name amount currency status expectedCloseDate isStale owner { id } } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`;
const GROUP = 'query($field: DealGroupField!, $filter: DealFilter) { dealsGroupBy(field: $field, filter: $filter) { key count amounts { currency amount count } } }';

interface BatchRow {
  index: number;
  outcome: 'CREATED' | 'UPDATED' | 'FAILED';
  deal: { id: string; name: string; amount: string; currency: string; version: number; stage: { id: string }; owner: { id: string } | null } | null;
  error: { code: string; message: string; field: string | null } | null;
}
interface Listed {
  totalCount: number;
  edges: { cursor: string; node: { id: string; name: string; amount: string; currency: string; status: string; expectedCloseDate: string | null; isStale: boolean; owner: { id: string } | null } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const list = async (user: User, variables: Record<string, unknown>) =>
  (await gqlOk<{ dealsConnection: Listed }>(stack.gatewayUrl, LIST, { ...variables, filter: { and: [{ pipelineId: { eq: pipeline.id } }, variables.filter ?? {}] } }, { token: user.token })).dealsConnection;
const names = (page: Listed) => page.edges.map((edge) => edge.node.name);

beforeAll(async () => {
  stack = await startRealStack();
  const slug = `deal-list-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const person = (key: string, role: 'TENANT_ADMIN' | 'SALES_MANAGER' | 'SALES_REP') => ({ email: `${key}@${slug}.test`, name: key, role, password });
  const tenant = await createTenantWithUsers(stack, { name: `Deal list ${slug}`, slug }, [
    person('admin', 'TENANT_ADMIN'),
    person('manager', 'SALES_MANAGER'),
    person('rep', 'SALES_REP'),
    person('teammate', 'SALES_REP'),
    person('outsider', 'SALES_REP'),
  ]);
  [admin, manager, rep, teammate, outsider] = tenant.users as unknown as [User, User, User, User, User];
  tenantId = tenant.tenantId;
  const asAdmin = <T>(query: string, variables: Record<string, unknown>) => gqlOk<T>(stack.gatewayUrl, query, variables, { token: admin.token });
  const { createTeam } = await asAdmin<{ createTeam: { id: string } }>('mutation($input: CreateTeamInput!) { createTeam(input: $input) { id } }', { input: { name: 'East', managerId: manager.id } });
  for (const member of [rep, teammate]) await asAdmin('mutation($u: ID!, $t: ID) { assignUserToTeam(userId: $u, teamId: $t) { id } }', { u: member.id, t: createTeam.id });
  pipeline = await createPipeline(stack.gatewayUrl, admin.token, 'List board', STANDARD_STAGES);

  const deal = (name: string, amount: string, currency: string, owner: User, extra: Record<string, unknown> = {}) => ({ pipelineId: pipeline.id, name, amount, currency, ownerId: owner.id, ...extra });
  const created = await gqlOk<{ createDeals: BatchRow[] }>(
    stack.gatewayUrl,
    CREATE,
    {
      inputs: [
        deal('Alpha', '1000.00', 'USD', rep, { expectedCloseDate: '2026-12-05' }),
        deal('Bravo', '250.50', 'USD', rep, { expectedCloseDate: '2026-12-20', stageId: pipeline.stages[2]!.id }),
        deal('Charlie', '1000', 'JPY', teammate, { expectedCloseDate: '2027-01-10' }),
        deal('Delta', '999.99', 'EUR', teammate),
        deal('Echo', '5000.00', 'USD', outsider, { expectedCloseDate: '2026-12-31' }),
      ],
    },
    { token: admin.token },
  );
  expect(created.createDeals.map((row) => row.outcome)).toEqual(['CREATED', 'CREATED', 'CREATED', 'CREATED', 'CREATED']);
});
afterAll(async () => {
  await stack?.stop();
});

describe('dealsConnection', () => {
  it('pages forwards and backwards in a stable multi-field order with a total count', async () => {
    const orderBy = [{ field: 'CURRENCY', direction: 'DESC' }, { field: 'AMOUNT', direction: 'DESC' }];
    const first = await list(admin, { first: 2, orderBy });
    expect(names(first)).toEqual(['Echo', 'Alpha']);
    expect(first.totalCount).toBe(5);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await list(admin, { first: 2, after: first.pageInfo.endCursor, orderBy });
    expect(names(second)).toEqual(['Bravo', 'Charlie']);
    const third = await list(admin, { first: 2, after: second.pageInfo.endCursor, orderBy });
    expect(names(third)).toEqual(['Delta']);
    expect(third.pageInfo.hasNextPage).toBe(false);
    const back = await list(admin, { last: 2, before: third.pageInfo.startCursor, orderBy });
    expect(names(back)).toEqual(['Bravo', 'Charlie']);
    expect(back.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    // empty close dates sort last going forwards
    expect(names(await list(admin, { first: 10, orderBy: [{ field: 'EXPECTED_CLOSE_DATE' }] }))).toEqual(['Alpha', 'Bravo', 'Echo', 'Charlie', 'Delta']);
  });

  it('filters with operators, nesting, exact amounts per currency, dates and staleness', async () => {
    const filtered = async (filter: Record<string, unknown>) => names(await list(admin, { first: 50, filter, orderBy: [{ field: 'NAME' }] }));
    expect(await filtered({ amount: { gte: '1000' } })).toEqual(['Alpha', 'Charlie', 'Echo']);
    expect(await filtered({ amount: { gte: '1000' }, currency: { eq: 'USD' } })).toEqual(['Alpha', 'Echo']);
    expect(await filtered({ amount: { eq: '250.5' } })).toEqual(['Bravo']);
    expect(await filtered({ amount: { lt: '999.995' } })).toEqual(['Bravo', 'Delta']);
    expect(await filtered({ name: { startsWith: 'a' } })).toEqual(['Alpha']);
    expect(await filtered({ or: [{ name: { contains: 'LTA' } }, { ownerId: { eq: outsider.id } }] })).toEqual(['Delta', 'Echo']);
    expect(await filtered({ not: { expectedCloseDate: { isNull: true } }, expectedCloseDate: { lt: '2027-01-01' } })).toEqual(['Alpha', 'Bravo', 'Echo']);
    expect(await filtered({ stageId: { eq: pipeline.stages[2]!.id } })).toEqual(['Bravo']);
    expect(await filtered({ status: { eq: 'OPEN' }, stale: false })).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo']);
    expect(await filtered({ stale: true })).toEqual([]);
    // Delta has stood in Qualification (rotting after 14 days) for 30 days
    await stack.subgraphs.sales.subgraph.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
      await tx.deal.updateMany({ where: { tenantId, name: 'Delta' }, data: { stageEnteredAt: new Date(Date.now() - 30 * 86_400_000) } });
    });
    expect(await filtered({ stale: true })).toEqual(['Delta']);
    expect(await filtered({ stale: false, currency: { in: ['EUR', 'JPY'] } })).toEqual(['Charlie']);
    expect((await list(admin, { first: 1, filter: { stale: true } })).edges[0]?.node.isStale).toBe(true);
    expect(await filtered({ updatedAt: { isNull: true } })).toEqual([]);
    expect(await filtered({ createdAt: { gt: '2000-01-01T00:00:00.000Z' }, updatedAt: { isNull: false }, ownerId: { in: [rep.id] } })).toEqual(['Alpha', 'Bravo']);
  });

  it('refuses bad arguments with BAD_USER_INPUT naming the field', async () => {
    const refused = async (variables: Record<string, unknown>, field: string) => {
      const result = await gql(stack.gatewayUrl, LIST, variables, { token: admin.token });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(JSON.stringify(result.errors)).not.toMatch(/at .*\.ts:\d+/);
    };
    await refused({ first: 101 }, 'first');
    await refused({ first: 1, last: 1 }, 'last');
    await refused({ after: 'not-a-cursor' }, 'after');
    await refused({ filter: { amount: { gte: 'lots' } } }, 'filter.amount.gte');
    await refused({ filter: { or: [{ ownerId: { eq: 'nobody' } }] } }, 'filter.or.0.ownerId.eq');
    const badDate = await gql(stack.gatewayUrl, LIST, { filter: { expectedCloseDate: { eq: '2026-02-30' } } }, { token: admin.token });
    expect(badDate.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(badDate.errors?.[0]?.message).toContain('expectedCloseDate');
    const first = await list(admin, { first: 1, orderBy: [{ field: 'NAME' }] });
    await refused({ first: 1, after: first.pageInfo.endCursor, orderBy: [{ field: 'AMOUNT' }] }, 'after');
  });

  it('applies the caller’s deal scope to pages, counts and groups', async () => {
    const asRep = await list(rep, { first: 50, orderBy: [{ field: 'NAME' }] });
    expect(names(asRep)).toEqual(['Alpha', 'Bravo']);
    expect(asRep.totalCount).toBe(2);
    const asManager = await list(manager, { first: 50, orderBy: [{ field: 'NAME' }] });
    expect(names(asManager)).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta']);
    expect(asManager.totalCount).toBe(4);
    const groups = await gqlOk<{ dealsGroupBy: { key: string; count: number }[] }>(stack.gatewayUrl, GROUP, { field: 'OWNER', filter: { pipelineId: { eq: pipeline.id } } }, { token: rep.token });
    expect(groups.dealsGroupBy).toEqual([{ key: rep.id, count: 2, amounts: [{ currency: 'USD', amount: '1250.50', count: 2 }] }]);
  });
});

describe('dealsGroupBy', () => {
  it('counts and sums per currency by stage, status and close month', async () => {
    const group = async (field: string) =>
      (await gqlOk<{ dealsGroupBy: { key: string | null; count: number; amounts: { currency: string; amount: string; count: number }[] }[] }>(stack.gatewayUrl, GROUP, { field, filter: { pipelineId: { eq: pipeline.id } } }, { token: admin.token }))
        .dealsGroupBy;
    expect(await group('STATUS')).toEqual([
      { key: 'OPEN', count: 5, amounts: [{ currency: 'EUR', amount: '999.99', count: 1 }, { currency: 'JPY', amount: '1000', count: 1 }, { currency: 'USD', amount: '6250.50', count: 3 }] },
    ]);
    expect(await group('CLOSE_MONTH')).toEqual([
      { key: '2026-12', count: 3, amounts: [{ currency: 'USD', amount: '6250.50', count: 3 }] },
      { key: '2027-01', count: 1, amounts: [{ currency: 'JPY', amount: '1000', count: 1 }] },
      { key: null, count: 1, amounts: [{ currency: 'EUR', amount: '999.99', count: 1 }] },
    ]);
    const stages = await group('STAGE');
    expect(stages.find((row) => row.key === pipeline.stages[2]!.id)).toEqual({ key: pipeline.stages[2]!.id, count: 1, amounts: [{ currency: 'USD', amount: '250.50', count: 1 }] });
    expect(stages.find((row) => row.key === pipeline.stages[0]!.id)?.count).toBe(4);
  });
});

describe('batch writes', () => {
  it('upserts item by item: created, updated and moved, refused items write nothing', async () => {
    const [alpha] = (await list(admin, { first: 1, filter: { name: { eq: 'Alpha' } } })).edges;
    const before = (await list(admin, { first: 1 })).totalCount;
    const result = await gqlOk<{ upsertDeals: BatchRow[] }>(
      stack.gatewayUrl,
      UPSERT,
      {
        inputs: [
          { pipelineId: pipeline.id, name: 'Foxtrot', amount: '10.00', currency: 'usd' },
          { pipelineId: pipeline.id, amount: '10.00', currency: 'USD' },
          { id: alpha!.node.id, amount: '1100.00', stageId: pipeline.stages[1]!.id },
          { id: alpha!.node.id, name: 'Alpha stale', expectedVersion: 1 },
          { pipelineId: pipeline.id, name: 'Golf', amount: '1.001', currency: 'USD' },
          { id: alpha!.node.id, stageId: pipeline.stages[4]!.id, name: 'Alpha won?' },
          { id: randomUUID(), name: 'ghost' },
        ],
      },
      { token: rep.token },
    );
    const rows = result.upsertDeals;
    expect(rows.map((row) => row.outcome)).toEqual(['CREATED', 'FAILED', 'UPDATED', 'FAILED', 'FAILED', 'FAILED', 'FAILED']);
    expect(rows[0]!.deal).toMatchObject({ name: 'Foxtrot', currency: 'USD', owner: { id: rep.id } });
    expect(rows[1]!.error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'inputs.1.name' });
    expect(rows[2]!.deal).toMatchObject({ amount: '1100.00', stage: { id: pipeline.stages[1]!.id }, version: 3 });
    expect(rows[3]!.error).toMatchObject({ code: 'CONFLICT' });
    expect(rows[4]!.error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'inputs.4.amount' });
    expect(rows[5]!.error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'inputs.5.stageId' });
    expect(rows[6]!.error).toMatchObject({ code: 'NOT_FOUND' });
    const after = await list(admin, { first: 50, filter: { name: { in: ['Alpha', 'Alpha stale', 'Alpha won?', 'Golf'] } } });
    expect(names(after)).toEqual(['Alpha']);
    expect(after.totalCount).toBe(1);
    expect((await list(admin, { first: 1 })).totalCount).toBe(before + 1);
  });

  it('checks permissions per item and refuses more than 100 items', async () => {
    const [echo] = (await list(admin, { first: 1, filter: { name: { eq: 'Echo' } } })).edges;
    const [bravo] = (await list(admin, { first: 1, filter: { name: { eq: 'Bravo' } } })).edges;
    const result = await gqlOk<{ updateDeals: BatchRow[] }>(
      stack.gatewayUrl,
      UPDATE,
      { inputs: [{ id: echo!.node.id, input: { name: 'mine now' } }, { id: bravo!.node.id, input: { amount: '300.00' } }, { id: bravo!.node.id, input: { amount: '-1' } }] },
      { token: rep.token },
    );
    expect(result.updateDeals.map((row) => [row.outcome, row.error?.code ?? null, row.error?.field ?? null])).toEqual([
      ['FAILED', 'FORBIDDEN', 'inputs.0'],
      ['UPDATED', null, null],
      ['FAILED', 'BAD_USER_INPUT', 'inputs.2.input.amount'],
    ]);
    expect(names(await list(admin, { first: 1, filter: { id: { eq: echo!.node.id } } }))).toEqual(['Echo']);
    const handOff = await gqlOk<{ createDeals: BatchRow[] }>(stack.gatewayUrl, CREATE, { inputs: [{ pipelineId: pipeline.id, name: 'for outsider', amount: '1.00', currency: 'USD', ownerId: outsider.id }] }, { token: rep.token });
    expect(handOff.createDeals[0]).toMatchObject({ outcome: 'FAILED', error: { code: 'FORBIDDEN' } });
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ pipelineId: pipeline.id, name: `bulk ${i}`, amount: '1.00', currency: 'USD' }));
    const refused = await gql(stack.gatewayUrl, CREATE, { inputs: tooMany }, { token: admin.token });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'inputs' });
    expect((await list(admin, { first: 1, filter: { name: { startsWith: 'bulk ' } } })).totalCount).toBe(0);
  });
});
