import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { activityScope, requireTenant, visibleActivities } from '../../../context.ts';
import { pageSize } from '../../common/lib/input.ts';

export const Query: QueryResolvers = {
  activities: (_root, { recordType, recordId, first }, ctx) =>
    ctx.services.activities.listByRecord(requireTenant(ctx).db, recordType, recordId, pageSize(first), activityScope(ctx)),
  activity: async (_root, { id }, ctx) => {
    requireTenant(ctx);
    const activity = await ctx.loaders.activityById.load(id);
    return activity && (visibleActivities(ctx, [activity])[0] ?? null);
  },
};
