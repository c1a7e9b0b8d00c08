import type { DealResolvers } from '../../../__generated__/resolvers-types.ts';
import { amountVisible } from '../../../context.ts';

export const Deal: DealResolvers = {
  lineItems: async (deal, _args, ctx) => {
    const masked = !amountVisible(ctx, deal.ownerId);
    return (await ctx.loaders.lineItemsByDealId.load(deal.id)).map((line) => ({ ...line, currency: deal.currency, masked }));
  },
};
