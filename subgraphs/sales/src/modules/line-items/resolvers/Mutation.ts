import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, authorizeDeal, requireTenant } from '../../../context.ts';

export const Mutation: MutationResolvers = {
  /** Line items set the deal's amount: it needs `deal:update` on that deal. */
  setDealLineItems: async (_root, { dealId, expectedVersion, items }, ctx) => {
    await authorizeDeal(ctx, 'update', dealId);
    return ctx.services.lineItems.set(requireTenant(ctx).tenantId, actorOf(ctx), dealId, expectedVersion, items);
  },
};
