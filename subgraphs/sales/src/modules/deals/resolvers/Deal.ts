import type { DealResolvers } from '../../../__generated__/resolvers-types.ts';
import { stageOfDeal } from '../../../loaders.ts';
import { loadReferenced } from '../../common/lib/load.ts';
import { formatAmount } from '../lib/money.ts';

export const Deal: DealResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.dealById.load(reference.id),
  amount: (deal) => formatAmount(deal.amountMinor, deal.currency),
  stage: (deal, _args, ctx) => stageOfDeal(ctx.loaders, deal),
  pipeline: (deal, _args, ctx) => loadReferenced(ctx.loaders.pipelineById, deal.pipelineId, 'Pipeline'),
  owner: (deal) => (deal.ownerId ? { __typename: 'User', id: deal.ownerId } : null),
  account: (deal) => (deal.accountId ? { __typename: 'Account', id: deal.accountId } : null),
};
