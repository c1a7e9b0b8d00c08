/**
 * Forecasting through the gateway: quotas set by managers and admins, forecast categories chosen
 * by deal owners, and the forecast of the current month per owner and per team, with every
 * figure's deals and its change since the snapshot taken a week ago.
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
let teamId: string;
const deals: Record<string, string> = {};

const now = new Date();
const period = { kind: 'MONTH', year: now.getUTCFullYear(), index: now.getUTCMonth() + 1 };
const inMonth = `${period.year}-${String(period.index).padStart(2, '0')}-01`;

const FIGURE = 'amount lastWeek change deals { dealId amount probability weightedAmount category deal { name } } lastWeekDeals { dealId amount }';
const FORECAST = /* GraphQL */ `
  query Forecast($period: ForecastPeriodInput!, $groupBy: ForecastGroupBy!, $currency: String!) {
    forecast(period: $period, groupBy: $groupBy, currency: $currency) {
      period { kind year index startsOn endsOn }
      currency
      snapshotDay
      groups {
        owner { id }
        teamId
        quota { amount currency owner { id } teamId }
        closedWon { ${FIGURE} }
        commit { ${FIGURE} }
        bestCase { ${FIGURE} }
        pipeline { ${FIGURE} }
        weightedPipeline { ${FIGURE} }
        attainmentPercent
        attainmentPercentLastWeek
        otherCurrencyDeals
      }
    }
  }
`;
const SET_QUOTA = 'mutation($o: ID, $t: ID, $p: ForecastPeriodInput!, $a: Decimal!, $c: String!) { setQuota(ownerId: $o, teamId: $t, period: $p, amount: $a, currency: $c) { id amount currency owner { id } teamId period { startsOn endsOn } } }';
const SET_CATEGORY = 'mutation($d: ID!, $c: ForecastCategory) { setDealForecastCategory(dealId: $d, category: $c) { id forecastCategory forecastCategorySet } }';

interface Figure {
  amount: string;
  lastWeek: string | null;
  change: string | null;
  deals: { dealId: string; amount: string; probability: number; weightedAmount: string; category: string; deal: { name: string } | null }[];
  lastWeekDeals: { dealId: string; amount: string }[] | null;
}
interface Group {
  owner: { id: string } | null;
  teamId: string | null;
  quota: { amount: string; currency: string } | null;
  closedWon: Figure;
  commit: Figure;
  bestCase: Figure;
  pipeline: Figure;
  weightedPipeline: Figure;
  attainmentPercent: string | null;
  attainmentPercentLastWeek: string | null;
  otherCurrencyDeals: number;
}
interface Forecast {
  period: { startsOn: string; endsOn: string };
  snapshotDay: string | null;
  groups: Group[];
}

const forecastOf = async (user: User, groupBy = 'OWNER') =>
  (await gqlOk<{ forecast: Forecast }>(stack.gatewayUrl, FORECAST, { period, groupBy, currency: 'USD' }, { token: user.token })).forecast;
const groupOf = (forecast: Forecast, user: User) => forecast.groups.find((group) => group.owner?.id === user.id);

beforeAll(async () => {
  stack = await startRealStack();
  const slug = `forecast-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const person = (key: string, role: 'TENANT_ADMIN' | 'SALES_MANAGER' | 'SALES_REP') => ({ email: `${key}@${slug}.test`, name: key, role, password });
  const tenant = await createTenantWithUsers(stack, { name: `Forecast ${slug}`, slug }, [
    person('admin', 'TENANT_ADMIN'),
    person('manager', 'SALES_MANAGER'),
    person('rep', 'SALES_REP'),
    person('teammate', 'SALES_REP'),
    person('outsider', 'SALES_REP'),
  ]);
  [admin, manager, rep, teammate, outsider] = tenant.users as unknown as [User, User, User, User, User];
  const asAdmin = <T>(query: string, variables: Record<string, unknown>) => gqlOk<T>(stack.gatewayUrl, query, variables, { token: admin.token });
  const { createTeam } = await asAdmin<{ createTeam: { id: string } }>('mutation($input: CreateTeamInput!) { createTeam(input: $input) { id } }', { input: { name: 'East', managerId: manager.id } });
  teamId = createTeam.id;
  for (const member of [rep, teammate]) await asAdmin('mutation($u: ID!, $t: ID) { assignUserToTeam(userId: $u, teamId: $t) { id } }', { u: member.id, t: teamId });
  const pipeline = await createPipeline(stack.gatewayUrl, admin.token, 'Forecast board', STANDARD_STAGES);
  const stage = (name: string) => pipeline.stages.find((candidate) => candidate.name === name)!.id;
  const deal = async (key: string, owner: User, stageName: string, amount: string, currency = 'USD') => {
    const input = { pipelineId: pipeline.id, stageId: stage(stageName), name: key, amount, currency, expectedCloseDate: inMonth };
    deals[key] = (await gqlOk<{ createDeal: { id: string } }>(stack.gatewayUrl, 'mutation($input: CreateDealInput!) { createDeal(input: $input) { id } }', { input }, { token: owner.token })).createDeal.id;
  };
  await deal('A', rep, 'Negotiation', '1000.00');
  await deal('B', rep, 'Proposal', '2000.00');
  await deal('C', rep, 'Qualification', '500.00');
  await deal('F', rep, 'Proposal', '100.00', 'EUR');
  await deal('D', teammate, 'Negotiation', '3000.00');
  await deal('E', outsider, 'Proposal', '700.00');
  // the snapshot the job would have taken a week ago
  expect(await stack.subgraphs.sales.subgraph.forecastSnapshots.take(tenant.tenantId, new Date(now.getTime() - 7 * 86_400_000))).toBe(true);
  // this week: C committed by its owner, D won, G new
  await gqlOk(stack.gatewayUrl, SET_CATEGORY, { d: deals.C, c: 'COMMIT' }, { token: rep.token });
  await gqlOk(stack.gatewayUrl, 'mutation($id: ID!) { markDealWon(id: $id) { id } }', { id: deals.D }, { token: teammate.token });
  await deal('G', rep, 'Discovery', '400.00');
});
afterAll(async () => {
  await stack?.stop();
});

describe('quotas', () => {
  it('are set by managers for their team and its members, by admins for anyone; reps read their own', async () => {
    const asManager = await gqlOk<{ setQuota: { amount: string; owner: { id: string }; period: { startsOn: string } } }>(stack.gatewayUrl, SET_QUOTA, { o: rep.id, p: period, a: '5000', c: 'usd' }, { token: manager.token });
    expect(asManager.setQuota).toMatchObject({ amount: '5000.00', owner: { id: rep.id }, period: { startsOn: inMonth } });
    // setting it again replaces it
    await gqlOk(stack.gatewayUrl, SET_QUOTA, { o: rep.id, p: period, a: '5000.00', c: 'USD' }, { token: manager.token });
    await gqlOk(stack.gatewayUrl, SET_QUOTA, { t: teamId, p: period, a: '10000.00', c: 'USD' }, { token: manager.token });
    await gqlOk(stack.gatewayUrl, SET_QUOTA, { o: outsider.id, p: period, a: '1000.00', c: 'USD' }, { token: admin.token });

    const refused = async (user: User, variables: Record<string, unknown>, code: string, field?: string) => {
      const result = await gql(stack.gatewayUrl, SET_QUOTA, { p: period, a: '1.00', c: 'USD', ...variables }, { token: user.token });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code, ...(field ? { field } : {}) });
    };
    await refused(rep, { o: rep.id }, 'FORBIDDEN');
    await refused(manager, { o: outsider.id }, 'FORBIDDEN');
    await refused(manager, { t: randomUUID() }, 'FORBIDDEN');
    await refused(manager, { o: rep.id, t: teamId }, 'BAD_USER_INPUT', 'teamId');
    await refused(manager, { o: rep.id, p: { kind: 'QUARTER', year: 2026, index: 5 } }, 'BAD_USER_INPUT', 'period.index');
    await refused(manager, { o: rep.id, a: '1.001' }, 'BAD_USER_INPUT', 'amount');
    await refused(manager, { o: rep.id, c: 'XYZ' }, 'BAD_USER_INPUT', 'currency');
    // an owner or team that is not the tenant's
    await refused(admin, { o: randomUUID() }, 'BAD_USER_INPUT', 'ownerId');
    await refused(admin, { t: randomUUID() }, 'BAD_USER_INPUT', 'teamId');

    const QUOTAS = 'query($p: ForecastPeriodInput!) { quotas(period: $p) { amount owner { id } teamId } }';
    const quotas = async (user: User) => (await gqlOk<{ quotas: { amount: string; owner: { id: string } | null; teamId: string | null }[] }>(stack.gatewayUrl, QUOTAS, { p: period }, { token: user.token })).quotas;
    expect(await quotas(rep)).toEqual([{ amount: '5000.00', owner: { id: rep.id }, teamId: null }]);
    expect((await quotas(manager)).map((quota) => quota.amount).sort()).toEqual(['10000.00', '5000.00']);
    expect(await quotas(admin)).toHaveLength(3);
  });
});

describe('forecast categories', () => {
  it('default from the stage probability and can be chosen by whoever may update the deal', async () => {
    const DEAL = 'query($id: ID!) { deal(id: $id) { forecastCategory forecastCategorySet } }';
    const category = async (key: string) => (await gqlOk<{ deal: { forecastCategory: string; forecastCategorySet: boolean } }>(stack.gatewayUrl, DEAL, { id: deals[key] }, { token: admin.token })).deal;
    expect(await category('A')).toEqual({ forecastCategory: 'BEST_CASE', forecastCategorySet: false });
    expect(await category('B')).toEqual({ forecastCategory: 'PIPELINE', forecastCategorySet: false });
    expect(await category('C')).toEqual({ forecastCategory: 'COMMIT', forecastCategorySet: true });
    expect(await category('D')).toEqual({ forecastCategory: 'CLOSED', forecastCategorySet: false });

    const refused = async (user: User, variables: Record<string, unknown>, code: string, field?: string) => {
      const result = await gql(stack.gatewayUrl, SET_CATEGORY, variables, { token: user.token });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code, ...(field ? { field } : {}) });
    };
    await refused(rep, { d: deals.E, c: 'COMMIT' }, 'FORBIDDEN');
    await refused(rep, { d: deals.A, c: 'CLOSED' }, 'BAD_USER_INPUT', 'category');
    await refused(teammate, { d: deals.D, c: 'COMMIT' }, 'BAD_USER_INPUT', 'category');
    await refused(rep, { d: randomUUID(), c: 'COMMIT' }, 'NOT_FOUND');
    // choosing and clearing a category of an uninvolved deal leaves it as it was
    const set = await gqlOk<{ setDealForecastCategory: { forecastCategory: string } }>(stack.gatewayUrl, SET_CATEGORY, { d: deals.E, c: 'OMITTED' }, { token: outsider.token });
    expect(set.setDealForecastCategory.forecastCategory).toBe('OMITTED');
    const cleared = await gqlOk<{ setDealForecastCategory: { forecastCategory: string; forecastCategorySet: boolean } }>(stack.gatewayUrl, SET_CATEGORY, { d: deals.E, c: null }, { token: outsider.token });
    expect(cleared.setDealForecastCategory).toMatchObject({ forecastCategory: 'PIPELINE', forecastCategorySet: false });
  });
});

describe('forecast', () => {
  it('per owner: figures by category, weighted pipeline, attainment and the change since last week, each with its deals', async () => {
    const forecast = await forecastOf(manager);
    expect(forecast.snapshotDay).toBe(new Date(now.getTime() - 7 * 86_400_000).toISOString().slice(0, 10));
    expect(forecast.period.startsOn).toBe(inMonth);
    expect(forecast.groups.map((group) => group.owner?.id).sort()).toEqual([rep.id, teammate.id].sort());

    const mine = groupOf(forecast, rep)!;
    expect(mine.quota).toMatchObject({ amount: '5000.00', currency: 'USD' });
    expect(mine.commit).toMatchObject({ amount: '500.00', lastWeek: '0.00', change: '500.00' });
    expect(mine.commit.deals).toEqual([{ dealId: deals.C, amount: '500.00', probability: 10, weightedAmount: '50.00', category: 'COMMIT', deal: { name: 'C' } }]);
    expect(mine.bestCase).toMatchObject({ amount: '1000.00', lastWeek: '1000.00', change: '0.00' });
    expect(mine.pipeline).toMatchObject({ amount: '2400.00', lastWeek: '2500.00', change: '-100.00' });
    expect(mine.pipeline.deals.map((line) => line.deal?.name).sort()).toEqual(['B', 'G']);
    expect(mine.pipeline.lastWeekDeals?.map((line) => line.dealId).sort()).toEqual([deals.B, deals.C].sort());
    expect(mine.weightedPipeline).toMatchObject({ amount: '1900.00', lastWeek: '1800.00', change: '100.00' });
    expect(mine.weightedPipeline.deals.map((line) => line.weightedAmount).sort()).toEqual(['100.00', '1000.00', '50.00', '750.00']);
    expect(mine.attainmentPercent).toBe('0.00');
    expect(mine.otherCurrencyDeals).toBe(1);

    const theirs = groupOf(forecast, teammate)!;
    expect(theirs.quota).toBeNull();
    expect(theirs.closedWon).toMatchObject({ amount: '3000.00', lastWeek: '0.00', change: '3000.00' });
    expect(theirs.closedWon.deals.map((line) => line.dealId)).toEqual([deals.D]);
    expect(theirs.bestCase).toMatchObject({ amount: '0.00', lastWeek: '3000.00', change: '-3000.00' });
    expect(theirs.attainmentPercent).toBeNull();
  });

  it('follows the caller’s scope: a rep sees their own group, an admin everyone', async () => {
    const asRep = await forecastOf(rep);
    expect(asRep.groups.map((group) => group.owner?.id)).toEqual([rep.id]);
    const asAdmin = await forecastOf(admin);
    const outsiderGroup = groupOf(asAdmin, outsider)!;
    expect(outsiderGroup.quota).toMatchObject({ amount: '1000.00' });
    expect(outsiderGroup.pipeline).toMatchObject({ amount: '700.00', lastWeek: '700.00', change: '0.00' });
    expect(asAdmin.groups).toHaveLength(3);
  });

  it('per team: the manager’s team against the team quota', async () => {
    const forecast = await forecastOf(manager, 'TEAM');
    expect(forecast.groups).toHaveLength(1);
    const team = forecast.groups[0]!;
    expect(team).toMatchObject({ teamId, owner: null, quota: { amount: '10000.00' }, attainmentPercent: '30.00', attainmentPercentLastWeek: '0.00' });
    expect(team.closedWon.amount).toBe('3000.00');
    expect(team.pipeline.amount).toBe('2400.00');
    expect(team.bestCase).toMatchObject({ amount: '1000.00', lastWeek: '4000.00', change: '-3000.00' });
  });

  it('refuses bad periods and currencies', async () => {
    const refused = async (variables: Record<string, unknown>, field: string) => {
      const result = await gql(stack.gatewayUrl, FORECAST, { period, groupBy: 'OWNER', currency: 'USD', ...variables }, { token: manager.token });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    };
    await refused({ period: { kind: 'MONTH', year: 2026, index: 13 } }, 'period.index');
    await refused({ period: { kind: 'MONTH', year: 1999, index: 1 } }, 'period.year');
    await refused({ currency: 'US' }, 'currency');
  });
});
