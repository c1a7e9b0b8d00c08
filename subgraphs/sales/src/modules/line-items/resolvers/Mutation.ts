import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, dealGuard, requireTenant } from '../../../context.ts';

export const Mutation: MutationResolvers = {
  /** Line items set the deal's amount: it needs `deal:update` on that deal. */
  setDealLineItems: async (_root, { dealId, expectedVersion, items }, ctx) => {
    return ctx.services.lineItems.set(requireTenant(ctx).tenantId, actorOf(ctx), dealId, expectedVersion, items, dealGuard(ctx, 'update'));
  },
};
