import DataLoader from 'dataloader';
import type { ForecastCategory } from '../../../__generated__/prisma/enums.ts';
import type { QuotaModel } from '../../../__generated__/prisma/models.ts';
import type { DealResolvers, ForecastDealResolvers, QuotaResolvers, Resolvers } from '../../../__generated__/resolvers-types.ts';
import { authorizeDeal, dealScope, principal, requireTenant, visibleDeal, type Context } from '../../../context.ts';
import { stageOfDeal } from '../../../loaders.ts';
import { loadReferenced } from '../../common/lib/load.ts';
import { formatAmount } from '../../deals/lib/money.ts';
import { attainmentPercent, categoryOf, isoDay, periodRange, type Figure, type Figures, type Period } from '../lib/forecast-rules.ts';
import { chosenCategories, forecast, quotasOf, setDealCategory, setQuota } from '../services/forecasting.ts';

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

function figure(now: Figure, lastWeek: Figure | null, currency: string) {
  return {
    amount: formatAmount(now.amountMinor, currency),
    deals: now.lines,
    lastWeek: lastWeek ? formatAmount(lastWeek.amountMinor, currency) : null,
    change: lastWeek ? formatAmount(now.amountMinor - lastWeek.amountMinor, currency) : null,
    lastWeekDeals: lastWeek ? lastWeek.lines : null,
  };
}

const FIGURES = ['closedWon', 'commit', 'bestCase', 'pipeline', 'weightedPipeline'] as const;

function figuresOut(now: Figures, lastWeek: Figures | null, currency: string) {
  return Object.fromEntries(FIGURES.map((name) => [name, figure(now[name], lastWeek ? lastWeek[name] : null, currency)])) as Record<
    (typeof FIGURES)[number],
    ReturnType<typeof figure>
  >;
}

const Quota: QuotaResolvers = {
  owner: (quota) => (quota.ownerId ? { __typename: 'User', id: quota.ownerId } : null),
  period: (quota) => periodOf({ kind: quota.periodKind, year: quota.year, index: quota.periodIndex }),
  amount: (quota) => formatAmount(quota.amountMinor, quota.currency),
};

const ForecastDeal: ForecastDealResolvers = {
  deal: async (line, _args, ctx) => visibleDeal(ctx, await ctx.loaders.dealById.load(line.dealId)),
  amount: (line) => formatAmount(line.amountMinor, line.currency),
  weightedAmount: (line) => formatAmount(line.weightedMinor, line.currency),
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
      const result = await forecast(ctx.prisma, db, tenantId, principal(ctx), {
        period: args.period,
        groupBy: args.groupBy,
        currency: args.currency,
        scope: dealScope(ctx),
      });
      const quotaMinor = (quota: QuotaModel | null) => quota?.amountMinor ?? null;
      return {
        period: periodOf(result.period),
        currency: result.currency,
        snapshotDay: result.snapshotDay ? isoDay(result.snapshotDay) : null,
        groups: result.groups.map((group) => ({
          owner: group.ownerId ? { __typename: 'User' as const, id: group.ownerId } : null,
          teamId: group.teamId,
          quota: group.quota,
          ...figuresOut(group.now, group.lastWeek, result.currency),
          attainmentPercent: attainmentPercent(group.now.closedWon.amountMinor, quotaMinor(group.quota)),
          attainmentPercentLastWeek: group.lastWeek ? attainmentPercent(group.lastWeek.closedWon.amountMinor, quotaMinor(group.quota)) : null,
          otherCurrencyDeals: group.now.otherCurrency,
        })),
      };
    },
    quotas: (_root, { period }, ctx) => quotasOf(requireTenant(ctx).db, principal(ctx), period),
  },
  Mutation: {
    setQuota: (_root, args, ctx) => setQuota(requireTenant(ctx).db, principal(ctx), args),
    setDealForecastCategory: async (_root, { dealId, category }, ctx) => {
      const { db } = requireTenant(ctx);
      await authorizeDeal(ctx, 'update', dealId);
      await setDealCategory(db, principal(ctx), dealId, category ?? null);
      ctx.loaders.dealById.clear(dealId);
      return loadReferenced(ctx.loaders.dealById, dealId, 'Deal');
    },
  },
  Deal,
  Quota,
  ForecastDeal,
};
