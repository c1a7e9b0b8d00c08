import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, authorizeActivity, authorizeNewActivity, requireTenant } from '../../../context.ts';

export const Mutation: MutationResolvers = {
  createActivity: (_root, { input }, ctx) => {
    const { tenantId } = requireTenant(ctx);
    authorizeNewActivity(ctx, input.assigneeId);
    return ctx.services.activities.create(tenantId, actorOf(ctx), input);
  },
  completeActivity: async (_root, { id, expectedVersion }, ctx) => {
    await authorizeActivity(ctx, 'update', id);
    return ctx.services.activities.complete(requireTenant(ctx).tenantId, actorOf(ctx), id, expectedVersion);
  },
  deleteActivity: async (_root, { id }, ctx) => {
    await authorizeActivity(ctx, 'delete', id);
    return (await ctx.services.activities.remove(requireTenant(ctx).tenantId, actorOf(ctx), id)).id;
  },
};
