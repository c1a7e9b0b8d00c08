import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';
import { primeDeals } from '../../../loaders.ts';
import { pageSize } from '../../common/lib/input.ts';

/** A pipeline board shows whole columns, so `deals(pipelineId)` pages go up to 500 (other lists: 100). */
export const BOARD_PAGE_MAX = 500;

export const Query: QueryResolvers = {
  deals: async (_root, { pipelineId, first }, ctx) => {
    const { db } = requireTenant(ctx);
    const deals = await ctx.services.deals.listByPipeline(db, pipelineId, pageSize(first, BOARD_PAGE_MAX));
    primeDeals(ctx.loaders, deals);
    return deals;
  },
  deal: (_root, { id }, ctx) => {
    requireTenant(ctx);
    return ctx.loaders.dealById.load(id);
  },
};
