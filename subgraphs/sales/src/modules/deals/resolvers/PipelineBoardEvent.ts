import type { PipelineBoardEventResolvers } from '../../../__generated__/resolvers-types.ts';
import { visibleDeal } from '../../../context.ts';
import type { BoardChangeType } from '../../pipelines/services/board-sequence.ts';

/** A journaled board change, as `pipelineBoardChanges` returns it (the live events come from the gateway). */
export const PipelineBoardEvent: PipelineBoardEventResolvers = {
  type: (change) => change.type as BoardChangeType,
  sequence: (change) => change.sequence.toString(),
  deal: async (change, _args, ctx) => visibleDeal(ctx, await ctx.loaders.dealById.load(change.dealId)),
};
