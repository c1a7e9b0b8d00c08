import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';
import { pageSize } from '../../common/lib/input.ts';

export const Query: QueryResolvers = {
  activities: (_root, { recordType, recordId, first }, ctx) =>
    ctx.services.activities.listByRecord(requireTenant(ctx).db, recordType, recordId, pageSize(first)),
  activity: (_root, { id }, ctx) => {
    requireTenant(ctx);
    return ctx.loaders.activityById.load(id);
  },
};
