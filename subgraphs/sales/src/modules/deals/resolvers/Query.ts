import { badInput, notFound } from '@crm/runtime';
import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { dealScope, requireTenant, visibleDeal } from '../../../context.ts';
import { primeDeals } from '../../../loaders.ts';
import { pageSize } from '../../common/lib/input.ts';
import { boardChangesAfter } from '../services/board-changes.ts';

/** A pipeline board shows whole columns, so `deals(pipelineId)` pages go up to 500 (other lists: 100). */
export const BOARD_PAGE_MAX = 500;

const INT8_MAX = 9_223_372_036_854_775_807n;

/** A board sequence as clients send it: a non-negative decimal integer string. */
function sequenceArg(value: string, field: string): bigint {
  if (!/^\d{1,19}$/.test(value) || BigInt(value) > INT8_MAX) throw badInput(`${field} must be a non-negative integer string such as "42"`, field);
  return BigInt(value);
}

export const Query: QueryResolvers = {
  deals: async (_root, { pipelineId, first }, ctx) => {
    const { db } = requireTenant(ctx);
    const deals = await ctx.services.deals.listByPipeline(db, pipelineId, pageSize(first, BOARD_PAGE_MAX), dealScope(ctx));
    primeDeals(ctx.loaders, deals);
    return deals;
  },
  deal: async (_root, { id }, ctx) => {
    requireTenant(ctx);
    return visibleDeal(ctx, await ctx.loaders.dealById.load(id));
  },
  pipelineBoardChanges: async (_root, { pipelineId, afterSequence, first }, ctx) => {
    const { db } = requireTenant(ctx);
    const after = sequenceArg(afterSequence, 'afterSequence');
    const size = pageSize(first, BOARD_PAGE_MAX);
    if ((await ctx.loaders.pipelineById.load(pipelineId)) === null) throw notFound('Pipeline', pipelineId);
    const page = await boardChangesAfter(db, pipelineId, after, size, dealScope(ctx));
    return { events: page.events, lastSequence: page.lastSequence.toString(), hasMore: page.hasMore };
  },
};
