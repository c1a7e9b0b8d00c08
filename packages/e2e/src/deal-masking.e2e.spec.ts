/**
 * Field-level masking of deal amounts and team forecasts across all teams, through the gateway on
 * the real stack (PostgreSQL, Redis, Kafka):
 * - a tenant admin turns on `maskDealAmountsOutsideTeam`; a Sales Rep who reads every deal of the
 *   tenant through a custom role then gets null amounts, line prices and forecast figures for the
 *   deals of other teams (named in `maskedFields`), also on the live board, and group sums leave
 *   them out; the admin still sees every amount; another tenant is untouched;
 * - a forecast grouped by team has one group per team of the tenant for the admin (teams from the
 *   platform), and only their own team for a Sales Manager.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '@crm/gateway';
import { startExtraGateway, type Stack } from '@crm/stack';
import { createPipeline, createTenantWithUsers, eventually, gql, gqlOk, STANDARD_STAGES, startRealStack, subscribe } from '@crm/testkit';

let stack: Stack;
/** A gateway remembering team facts for 1 s, so a change of the setting shows at once. */
let fresh: { url: string; wsUrl: string; gateway: Gateway };
const gateways: Gateway[] = [];

type User = { id: string; token: string; name: string };
let admin: User;
let manager: User;
let rep: User;
let mate: User;
let outsider: User;
let alpha: string;
let beta: string;
let pipeline: { id: string; stages: Array<{ id: string }> };
let ownDeal: string;
let outsideDeal: string;

const now = new Date();
const period = { kind: 'MONTH', year: now.getUTCFullYear(), index: now.getUTCMonth() + 1 };
const inMonth = `${period.year}-${String(period.index).padStart(2, '0')}-20`;

beforeAll(async () => {
  stack = await startRealStack();
  fresh = await startExtraGateway(stack, 'deal-masking-test', { teamFacts: { ttlSeconds: 1 } });
  gateways.push(fresh.gateway);
  await fresh.gateway.subscriptionsReady;

  const slug = `masking-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const seeded = await createTenantWithUsers(stack, { name: 'Masking Inc', slug }, [
    { email: `admin@${slug}.test`, name: 'Ada Admin', role: 'TENANT_ADMIN', password },
    { email: `manager@${slug}.test`, name: 'Max Manager', role: 'SALES_MANAGER', password },
    { email: `rep@${slug}.test`, name: 'Rita Rep', role: 'SALES_REP', password },
    { email: `mate@${slug}.test`, name: 'Mo Mate', role: 'SALES_REP', password },
    { email: `outsider@${slug}.test`, name: 'Otto Outsider', role: 'SALES_REP', password },
  ]);
  const user = (index: number): User => seeded.users[index]!;
  [admin, manager, rep, mate, outsider] = [user(0), user(1), user(2), user(3), user(4)];
  const asAdmin = <T>(query: string, variables: Record<string, unknown> = {}) => gqlOk<T>(stack.gatewayUrl, query, variables, { token: admin.token });
  const team = async (name: string, managerId: string | null, members: User[]) => {
    const { createTeam } = await asAdmin<{ createTeam: { id: string } }>('mutation($input: CreateTeamInput!) { createTeam(input: $input) { id } }', { input: { name, managerId } });
    for (const member of members) await asAdmin('mutation($u: ID!, $t: ID) { assignUserToTeam(userId: $u, teamId: $t) { id } }', { u: member.id, t: createTeam.id });
    return createTeam.id;
  };
  alpha = await team('Alpha', manager.id, [rep, mate]);
  beta = await team('Beta', null, [outsider]);

  pipeline = await createPipeline(stack.gatewayUrl, admin.token, 'Masked pipeline', STANDARD_STAGES);
  const deal = async (name: string, amount: string, owner: User) =>
    (
      await asAdmin<{ createDeal: { id: string; version: number } }>('mutation($input: CreateDealInput!) { createDeal(input: $input) { id version } }', {
        input: { pipelineId: pipeline.id, stageId: pipeline.stages[0]!.id, name, amount, currency: 'USD', ownerId: owner.id, expectedCloseDate: inMonth },
      })
    ).createDeal;
  ownDeal = (await deal('Rita’s deal', '100.00', rep)).id;
  await deal('Mo’s deal', '40.00', mate);
  const outside = await deal('Otto’s deal', '250.00', outsider);
  outsideDeal = outside.id;
  await asAdmin('mutation($d: ID!, $v: Int!, $items: [DealLineItemInput!]!) { setDealLineItems(dealId: $d, expectedVersion: $v, items: $items) { id } }', {
    d: outsideDeal,
    v: outside.version,
    items: [{ description: 'Licences', quantity: '5', unitPrice: '50.00' }],
  });

  // the rep reads every deal of the tenant through a custom role
  const { createRole } = await asAdmin<{ createRole: { id: string } }>('mutation($input: CreateRoleInput!) { createRole(input: $input) { id } }', {
    input: { name: 'DEAL_VIEWER', description: 'Reads every deal', grants: [{ permission: 'deal:read', scope: 'TENANT' }] },
  });
  await asAdmin('mutation($u: ID!, $r: [ID!]) { setUserRoles(userId: $u, customRoleIds: $r) { id } }', { u: rep.id, r: [createRole.id] });
}, 120_000);
afterAll(async () => {
  for (const gateway of gateways) await gateway.stop();
  await stack?.stop();
});

const DEAL = 'query($id: ID!) { deal(id: $id) { id amount maskedFields lineItems { unitPrice total maskedFields } } }';
type DealView = { deal: { id: string; amount: string | null; maskedFields: string[]; lineItems: Array<{ unitPrice: string | null; total: string | null; maskedFields: string[] }> } | null };
const SET_MASKING = 'mutation($on: Boolean!) { setMaskDealAmountsOutsideTeam(enabled: $on) { maskDealAmountsOutsideTeam } }';
const FORECAST = `query($period: ForecastPeriodInput!, $groupBy: ForecastGroupBy!) { forecast(period: $period, groupBy: $groupBy, currency: "USD") {
  groups { owner { id } teamId pipeline { amount deals { dealId amount } } maskedFields } } }`;
type ForecastView = { forecast: { groups: Array<{ owner: { id: string } | null; teamId: string | null; pipeline: { amount: string | null; deals: Array<{ dealId: string; amount: string | null }> }; maskedFields: string[] }> } };

describe('deal amounts outside the team', () => {
  it('are only for admins and the owner’s team once the tenant masks them, on every read path', async () => {
    // before: the rep's custom role reaches the outside deal, amount and all
    const before = await eventually(async () => (await gqlOk<DealView>(fresh.url, DEAL, { id: outsideDeal }, { token: rep.token })).deal);
    expect(before).toMatchObject({ amount: '250.00', maskedFields: [], lineItems: [{ unitPrice: '50.00', total: '250.00', maskedFields: [] }] });

    // only a tenant admin may turn it on
    const refused = await gql(stack.gatewayUrl, SET_MASKING, { on: true }, { token: manager.token });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gqlOk<{ setMaskDealAmountsOutsideTeam: { maskDealAmountsOutsideTeam: boolean } }>(stack.gatewayUrl, SET_MASKING, { on: true }, { token: admin.token })).setMaskDealAmountsOutsideTeam).toEqual({
      maskDealAmountsOutsideTeam: true,
    });

    const masked = await eventually(async () => {
      const view = (await gqlOk<DealView>(fresh.url, DEAL, { id: outsideDeal }, { token: rep.token })).deal;
      return view?.amount === null ? view : null;
    });
    expect(masked).toEqual({ id: outsideDeal, amount: null, maskedFields: ['amount'], lineItems: [{ unitPrice: null, total: null, maskedFields: ['unitPrice', 'discountAmount', 'subtotal', 'discount', 'tax', 'total'] }] });
    expect((await gqlOk<DealView>(fresh.url, DEAL, { id: ownDeal }, { token: rep.token })).deal).toMatchObject({ amount: '100.00', maskedFields: [] });
    expect((await gqlOk<DealView>(fresh.url, DEAL, { id: outsideDeal }, { token: admin.token })).deal).toMatchObject({ amount: '250.00', maskedFields: [] });

    // lists, filters, sorting and group sums
    const list = await gqlOk<{ dealsConnection: { totalCount: number; nodes: Array<{ id: string; amount: string | null }> } }>(
      fresh.url,
      '{ dealsConnection(first: 10, filter: { amount: { gte: "200" } }) { totalCount nodes { id amount } } }',
      {},
      { token: rep.token },
    );
    expect(list.dealsConnection).toEqual({ totalCount: 0, nodes: [] });
    const sorted = await gql(fresh.url, '{ dealsConnection(first: 10, orderBy: [{ field: AMOUNT }]) { totalCount } }', {}, { token: rep.token });
    expect(sorted.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const groups = await gqlOk<{ dealsGroupBy: Array<{ count: number; amounts: Array<{ amount: string; count: number; maskedCount: number }> }> }>(
      fresh.url,
      '{ dealsGroupBy(field: PIPELINE) { count amounts { amount count maskedCount } } }',
      {},
      { token: rep.token },
    );
    expect(groups.dealsGroupBy).toEqual([{ count: 3, amounts: [{ amount: '140.00', count: 3, maskedCount: 1 }] }]);

    // forecasts: the outsider's figures are null, per deal and per group
    const byOwner = (await gqlOk<ForecastView>(fresh.url, FORECAST, { period, groupBy: 'OWNER' }, { token: rep.token })).forecast.groups;
    expect(byOwner.find((group) => group.owner?.id === outsider.id)).toMatchObject({ pipeline: { amount: null, deals: [{ dealId: outsideDeal, amount: null }] }, maskedFields: ['pipeline', 'weightedPipeline'] });
    expect(byOwner.find((group) => group.owner?.id === rep.id)).toMatchObject({ pipeline: { amount: '100.00' }, maskedFields: [] });
    // by team: every team of the tenant (the rep reads tenant-wide), Beta's figures masked
    const byTeam = (await gqlOk<ForecastView>(fresh.url, FORECAST, { period, groupBy: 'TEAM' }, { token: rep.token })).forecast.groups;
    expect(byTeam.map((group) => [group.teamId, group.pipeline.amount, group.maskedFields])).toEqual([
      [alpha, '140.00', []],
      [beta, null, ['pipeline', 'weightedPipeline']],
    ]);
  });

  it('are masked on the live board too', async () => {
    const before = fresh.gateway.stats().subscribers;
    const board = subscribe<{ pipelineBoard: { dealId: string; deal: { amount: string | null; maskedFields: string[] } | null } }>(
      fresh.wsUrl,
      rep.token,
      'subscription($p: ID!) { pipelineBoard(pipelineId: $p) { dealId deal { amount maskedFields } } }',
      { p: pipeline.id },
    );
    try {
      await eventually(async () => fresh.gateway.stats().subscribers > before);
      await gqlOk(stack.gatewayUrl, 'mutation($id: ID!, $s: ID!) { moveDeal(id: $id, stageId: $s) { id } }', { id: outsideDeal, s: pipeline.stages[1]!.id }, { token: admin.token });
      const event = await board.next((payload) => payload.data?.pipelineBoard.dealId === outsideDeal);
      expect(event.data?.pipelineBoard.deal).toEqual({ amount: null, maskedFields: ['amount'] });
    } finally {
      await board.close();
    }
  });
});

describe('forecast by team', () => {
  it('has one group per team for a tenant admin and only their own team for a manager', async () => {
    const byTeam = (await gqlOk<ForecastView>(stack.gatewayUrl, FORECAST, { period, groupBy: 'TEAM' }, { token: admin.token })).forecast.groups;
    expect(byTeam.map((group) => [group.teamId, group.pipeline.amount, group.maskedFields])).toEqual([
      [alpha, '140.00', []],
      [beta, '250.00', []],
    ]);
    const own = (await gqlOk<ForecastView>(stack.gatewayUrl, FORECAST, { period, groupBy: 'TEAM' }, { token: manager.token })).forecast.groups;
    expect(own.map((group) => [group.teamId, group.pipeline.amount])).toEqual([[alpha, '140.00']]);
    // a rep without the custom role reads their own deals only: their team's group holds just those
    const mates = (await gqlOk<ForecastView>(stack.gatewayUrl, FORECAST, { period, groupBy: 'TEAM' }, { token: mate.token })).forecast.groups;
    expect(mates.map((group) => [group.teamId, group.pipeline.amount])).toEqual([[alpha, '40.00']]);
  });
});
