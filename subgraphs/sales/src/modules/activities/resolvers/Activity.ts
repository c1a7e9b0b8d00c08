import type { ActivityResolvers } from '../../../__generated__/resolvers-types.ts';
import { visibleActivities, visibleDeal } from '../../../context.ts';

export const Activity: ActivityResolvers = {
  /** An activity of another tenant, or one the caller may not read, resolves to null. */
  __resolveReference: async (reference, ctx) => {
    const activity = await ctx.loaders.activityById.load(reference.id);
    return activity && (visibleActivities(ctx, [activity])[0] ?? null);
  },
  deal: async (activity, _args, ctx) => (activity.recordType === 'DEAL' ? visibleDeal(ctx, await ctx.loaders.dealById.load(activity.recordId)) : null),
  assignee: (activity) => (activity.assigneeId ? { __typename: 'User', id: activity.assigneeId } : null),
  mentions: (activity) => activity.mentionedUserIds.map((id) => ({ __typename: 'User' as const, id })),
  createdBy: (activity) => (activity.createdById ? { __typename: 'User', id: activity.createdById } : null),
  isOverdue: (activity) => activity.completedAt === null && activity.dueAt !== null && activity.dueAt.getTime() < Date.now(),
};
