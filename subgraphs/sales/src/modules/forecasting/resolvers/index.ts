import DataLoader from 'dataloader';
import { scopeOf } from '@crm/authz';
import { badInput } from '@crm/runtime';
import type { ForecastCategory } from '../../../__generated__/prisma/enums.ts';
import type { QuotaModel } from '../../../__generated__/prisma/models.ts';
import type { DealResolvers, ForecastDealResolvers, QuotaResolvers, Resolvers } from '../../../__generated__/resolvers-types.ts';
import { amountVisible, dealGuard, dealScope, principal, requireTenant, visibleDeal, type Context } from '../../../context.ts';
import { stageOfDeal } from '../../../loaders.ts';
import { loadReferenced } from '../../common/lib/load.ts';
import { formatAmount } from '../../deals/lib/money.ts';
import { attainmentPercent, categoryOf, isoDay, periodRange, type Figure, type Figures, type ForecastLine, type Period } from '../lib/forecast-rules.ts';
import { checkReferences } from '../../../references.ts';
import { chosenCategories, forecast, quotasOf, setDealCategory, setQuota, type QuotaTargetCheck } from '../services/forecasting.ts';

/**
 * A quota's owner must be a user of the tenant (asked through the gateway, see `references.ts`),
 * its team a team of the tenant: a manager's own team is in their signed identity; another team is
 * looked up in the team directory, afresh when not among the teams remembered. Without a team
 * directory (no PLATFORM_URL) teams other than the caller's cannot be checked and are taken as given.
 */
const quotaTarget =
  (ctx: Context, tenantId: string): QuotaTargetCheck =>
  async ({ ownerId, teamId }) => {
    if (ownerId !== null) return checkReferences(ctx, [{ type: 'USER', id: ownerId, field: 'ownerId' }]);
    if (teamId === null || teamId === principal(ctx).teamId || !ctx.teams) return;
    const known = (teams: { teamId: string }[]) => teams.some((team) => team.teamId === teamId);
    if (known(await ctx.teams(tenantId)) || known(await ctx.teams(tenantId, { fresh: true }))) return;
    throw badInput('teamId must be a team of the tenant', 'teamId');
  };

/** Chosen forecast categories of the deals of one request, batched per tick. */
const categoryLoaders = new WeakMap<Context, DataLoader<string, ForecastCategory | null>>();
function categoryLoader(ctx: Context): DataLoader<string, ForecastCategory | null> {
  let loader = categoryLoaders.get(ctx);
  if (!loader) {
    const { db } = requireTenant(ctx);
    loader = new DataLoader(async (ids) => {
      const chosen = await chosenCategories(db, ids);
      return ids.map((id) => chosen.get(id) ?? null);
    });
    categoryLoaders.set(ctx, loader);
  }
  return loader;
}

const periodOf = (period: Period) => {
  const range = periodRange(period);
  return { ...period, startsOn: isoDay(range.start), endsOn: isoDay(new Date(range.end.getTime() - 86_400_000)) };
};

/** Whether a figure counts a deal whose amounts are masked for the caller (its sum is then not shown). */
type Masked = (lines: readonly ForecastLine[]) => boolean;

function figure(now: Figure, lastWeek: Figure | null, currency: string, masked: Masked) {
  const hideNow = masked(now.lines);
  const hideLastWeek = lastWeek !== null && masked(lastWeek.lines);
  return {
    amount: hideNow ? null : formatAmount(now.amountMinor, currency),
    deals: now.lines,
    lastWeek: lastWeek && !hideLastWeek ? formatAmount(lastWeek.amountMinor, currency) : null,
    change: lastWeek && !hideNow && !hideLastWeek ? formatAmount(now.amountMinor - lastWeek.amountMinor, currency) : null,
    lastWeekDeals: lastWeek ? lastWeek.lines : null,
    hidden: hideNow || hideLastWeek,
  };
}

const FIGURES = ['closedWon', 'commit', 'bestCase', 'pipeline', 'weightedPipeline'] as const;

function figuresOut(now: Figures, lastWeek: Figures | null, currency: string, masked: Masked) {
  return Object.fromEntries(FIGURES.map((name) => [name, figure(now[name], lastWeek ? lastWeek[name] : null, currency, masked)])) as Record<
    (typeof FIGURES)[number],
    ReturnType<typeof figure>
  >;
}

/**
 * With `groupBy: TEAM`, callers who read deals tenant-wide get every team of the tenant (from the
 * platform, when the subgraph is told where to ask); everyone else their own team (undefined).
 */
async function teamsFor(ctx: Context, tenantId: string, groupBy: 'OWNER' | 'TEAM') {
  if (groupBy !== 'TEAM' || !ctx.teams) return undefined;
  const scope = scopeOf(principal(ctx), 'deal', 'read');
  if (scope !== 'tenant' && scope !== 'global') return undefined;
  return ctx.teams(tenantId);
}

const Quota: QuotaResolvers = {
  owner: (quota) => (quota.ownerId ? { __typename: 'User', id: quota.ownerId } : null),
  period: (quota) => periodOf({ kind: quota.periodKind, year: quota.year, index: quota.periodIndex }),
  amount: (quota) => formatAmount(quota.amountMinor, quota.currency),
};

const ForecastDeal: ForecastDealResolvers = {
  deal: async (line, _args, ctx) => visibleDeal(ctx, await ctx.loaders.dealById.load(line.dealId)),
  amount: (line, _args, ctx) => (amountVisible(ctx, line.ownerId) ? formatAmount(line.amountMinor, line.currency) : null),
  weightedAmount: (line, _args, ctx) => (amountVisible(ctx, line.ownerId) ? formatAmount(line.weightedMinor, line.currency) : null),
  maskedFields: (line, _args, ctx) => (amountVisible(ctx, line.ownerId) ? [] : ['amount', 'weightedAmount']),
};

const Deal: Pick<DealResolvers, 'forecastCategory' | 'forecastCategorySet'> = {
  forecastCategory: async (deal, _args, ctx) => {
    const [stage, chosen] = await Promise.all([stageOfDeal(ctx.loaders, deal), categoryLoader(ctx).load(deal.id)]);
    return categoryOf(deal.status, stage.probability, chosen);
  },
  forecastCategorySet: async (deal, _args, ctx) => deal.status === 'OPEN' && (await categoryLoader(ctx).load(deal.id)) !== null,
};

export const resolvers: Resolvers = {
  Query: {
    forecast: async (_root, args, ctx) => {
      const { tenantId, db } = requireTenant(ctx);
      const teams = await teamsFor(ctx, tenantId, args.groupBy);
      const result = await forecast(ctx.prisma, db, tenantId, principal(ctx), {
        period: args.period,
        groupBy: args.groupBy,
        currency: args.currency,
        scope: dealScope(ctx),
        ...(teams ? { teams } : {}),
      });
      const quotaMinor = (quota: QuotaModel | null) => quota?.amountMinor ?? null;
      const masked: Masked = (lines) => lines.some((line) => !amountVisible(ctx, line.ownerId));
      return {
        period: periodOf(result.period),
        currency: result.currency,
        snapshotDay: result.snapshotDay ? isoDay(result.snapshotDay) : null,
        groups: result.groups.map((group) => {
          const figures = figuresOut(group.now, group.lastWeek, result.currency, masked);
          const wonHidden = masked(group.now.closedWon.lines);
          const wonLastWeekHidden = group.lastWeek !== null && masked(group.lastWeek.closedWon.lines);
          const maskedFields = [
            ...FIGURES.filter((name) => figures[name].hidden),
            ...(wonHidden ? ['attainmentPercent'] : []),
            ...(wonLastWeekHidden ? ['attainmentPercentLastWeek'] : []),
          ];
          return {
            owner: group.ownerId ? { __typename: 'User' as const, id: group.ownerId } : null,
            teamId: group.teamId,
            quota: group.quota,
            ...figures,
            attainmentPercent: wonHidden ? null : attainmentPercent(group.now.closedWon.amountMinor, quotaMinor(group.quota)),
            attainmentPercentLastWeek: group.lastWeek && !wonLastWeekHidden ? attainmentPercent(group.lastWeek.closedWon.amountMinor, quotaMinor(group.quota)) : null,
            otherCurrencyDeals: group.now.otherCurrency,
            maskedFields,
          };
        }),
      };
    },
    quotas: (_root, { period }, ctx) => quotasOf(requireTenant(ctx).db, principal(ctx), period),
  },
  Mutation: {
    setQuota: (_root, args, ctx) => {
      const { tenantId, db } = requireTenant(ctx);
      return setQuota(db, principal(ctx), args, quotaTarget(ctx, tenantId));
    },
    setDealForecastCategory: async (_root, { dealId, category }, ctx) => {
      const { tenantId, db } = requireTenant(ctx);
      await setDealCategory(db, tenantId, principal(ctx), dealId, category ?? null, dealGuard(ctx, 'update'));
      ctx.loaders.dealById.clear(dealId);
      return loadReferenced(ctx.loaders.dealById, dealId, 'Deal');
    },
  },
  Deal,
  Quota,
  ForecastDeal,
};
