import type { DealResolvers } from '../../../__generated__/resolvers-types.ts';
import { visibleActivities } from '../../../context.ts';
import { pageSize } from '../../common/lib/input.ts';

/** Activities contributed to deals. */
export const Deal: DealResolvers = {
  activities: async (deal, { first }, ctx) => visibleActivities(ctx, await ctx.loaders.activitiesByDealId.load(deal.id)).slice(0, pageSize(first)),
};
