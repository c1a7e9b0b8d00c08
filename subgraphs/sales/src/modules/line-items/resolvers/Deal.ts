import type { DealResolvers } from '../../../__generated__/resolvers-types.ts';

export const Deal: DealResolvers = {
  lineItems: async (deal, _args, ctx) => (await ctx.loaders.lineItemsByDealId.load(deal.id)).map((line) => ({ ...line, currency: deal.currency })),
};
