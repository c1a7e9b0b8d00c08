import { Kind, type OperationDefinitionNode, type SelectionNode } from 'graphql';
import { badInput, notFound } from '@crm/runtime';
import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { dealScope, requireTenant, visibleDeal } from '../../../context.ts';
import { primeDeals } from '../../../loaders.ts';
import { pageSize } from '../../common/lib/input.ts';
import { boardChangesAfter } from '../services/board-changes.ts';

/** A pipeline board shows whole columns, so `deals(pipelineId)` pages go up to 500 (other lists: 100). */
export const BOARD_PAGE_MAX = 500;

const INT8_MAX = 9_223_372_036_854_775_807n;

const readsStage = new WeakMap<OperationDefinitionNode, boolean>();
/**
 * Whether some root `deal` field of the operation selects the deal's `stage` (directly or in an
 * inline fragment). Then every root `deal` field reads through the same loader, so a board event's
 * access probe (`deal(id) { id }`) and its card share one read.
 */
function readsDealStage(operation: OperationDefinitionNode): boolean {
  let known = readsStage.get(operation);
  if (known === undefined) {
    const selects = (selections: readonly SelectionNode[], field: string): boolean =>
      selections.some((s) => (s.kind === Kind.FIELD ? s.name.value === field : s.kind === Kind.INLINE_FRAGMENT && selects(s.selectionSet.selections, field)));
    known = operation.selectionSet.selections.some((root) => root.kind === Kind.FIELD && root.name.value === 'deal' && root.selectionSet !== undefined && selects(root.selectionSet.selections, 'stage'));
    readsStage.set(operation, known);
  }
  return known;
}

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
  deal: async (_root, { id }, ctx, info) => {
    requireTenant(ctx);
    // a card (a board event's deal, a deal page) shows the stage: read it with the deal
    const loader = readsDealStage(info.operation) ? ctx.loaders.dealWithStageById : ctx.loaders.dealById;
    return visibleDeal(ctx, await loader.load(id));
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
