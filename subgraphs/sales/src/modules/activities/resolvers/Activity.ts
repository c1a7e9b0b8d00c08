import type { ActivityResolvers } from '../../../__generated__/resolvers-types.ts';

export const Activity: ActivityResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.activityById.load(reference.id),
  deal: (activity, _args, ctx) => (activity.recordType === 'DEAL' ? ctx.loaders.dealById.load(activity.recordId) : null),
  assignee: (activity) => (activity.assigneeId ? { __typename: 'User', id: activity.assigneeId } : null),
  createdBy: (activity) => (activity.createdById ? { __typename: 'User', id: activity.createdById } : null),
  isOverdue: (activity) => activity.completedAt === null && activity.dueAt !== null && activity.dueAt.getTime() < Date.now(),
};
