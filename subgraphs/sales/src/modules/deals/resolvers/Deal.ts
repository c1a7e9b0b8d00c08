import type { DealResolvers } from '../../../__generated__/resolvers-types.ts';
import { amountVisible, visibleDeal } from '../../../context.ts';
import { stageOfDeal } from '../../../loaders.ts';
import { pageSize } from '../../common/lib/input.ts';
import { loadReferenced } from '../../common/lib/load.ts';
import { isStale, warningsOf } from '../lib/deal-rules.ts';
import { formatAmount } from '../lib/money.ts';

export const Deal: DealResolvers = {
  /** A deal of another tenant, or one the caller may not read, resolves to null. */
  __resolveReference: async (reference, ctx) => visibleDeal(ctx, await ctx.loaders.dealById.load(reference.id)),
  amount: (deal, _args, ctx) => (amountVisible(ctx, deal.ownerId) ? formatAmount(deal.amountMinor, deal.currency) : null),
  maskedFields: (deal, _args, ctx) => (amountVisible(ctx, deal.ownerId) ? [] : ['amount']),
  stage: (deal, _args, ctx) => stageOfDeal(ctx.loaders, deal),
  pipeline: (deal, _args, ctx) => loadReferenced(ctx.loaders.pipelineById, deal.pipelineId, 'Pipeline'),
  owner: (deal) => (deal.ownerId ? { __typename: 'User', id: deal.ownerId } : null),
  account: (deal) => (deal.accountId ? { __typename: 'Account', id: deal.accountId } : null),
  isStale: async (deal, _args, ctx) => isStale(deal, await stageOfDeal(ctx.loaders, deal), new Date()),
  warnings: (deal) => warningsOf(deal, new Date()),
  stageHistory: async (deal, { first }, ctx) => (await ctx.loaders.stageHistoryByDealId.load(deal.id)).slice(0, pageSize(first)),
};
