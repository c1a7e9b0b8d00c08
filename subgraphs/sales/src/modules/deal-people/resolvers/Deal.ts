import type { DealResolvers } from '../../../__generated__/resolvers-types.ts';

export const Deal: DealResolvers = {
  collaborators: async (deal, _args, ctx) =>
    (await ctx.loaders.collaboratorsByDealId.load(deal.id)).map((row) => ({ __typename: 'User' as const, id: row.userId })),
  contacts: (deal, _args, ctx) => ctx.loaders.contactsByDealId.load(deal.id),
};
