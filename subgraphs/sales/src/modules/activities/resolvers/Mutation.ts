import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, requireTenant } from '../../../context.ts';

export const Mutation: MutationResolvers = {
  createActivity: (_root, { input }, ctx) => ctx.services.activities.create(requireTenant(ctx).tenantId, actorOf(ctx), input),
  completeActivity: (_root, { id, expectedVersion }, ctx) =>
    ctx.services.activities.complete(requireTenant(ctx).tenantId, actorOf(ctx), id, expectedVersion),
  deleteActivity: async (_root, { id }, ctx) => (await ctx.services.activities.remove(requireTenant(ctx).tenantId, actorOf(ctx), id)).id,
};
