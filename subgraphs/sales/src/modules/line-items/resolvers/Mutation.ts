import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, requireTenant } from '../../../context.ts';

export const Mutation: MutationResolvers = {
  setDealLineItems: (_root, { dealId, expectedVersion, items }, ctx) =>
    ctx.services.lineItems.set(requireTenant(ctx).tenantId, actorOf(ctx), dealId, expectedVersion, items),
};
