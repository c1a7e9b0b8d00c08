import type { PipelineResolvers } from '../../../__generated__/resolvers-types.ts';
import { visibleDeals } from '../../../context.ts';
import { primeDeals } from '../../../loaders.ts';
import { pageSize } from '../../common/lib/input.ts';

export const Pipeline: PipelineResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.pipelineById.load(reference.id),
  stages: async (pipeline, _args, ctx) => (await ctx.loaders.stagesByPipelineId.load(pipeline.id)).filter((stage) => stage.archivedAt === null),
  deals: async (pipeline, { first }, ctx) => {
    // the pipeline's first deals, then those the caller may read (a rep may get fewer than `first`)
    const deals = visibleDeals(ctx, await ctx.loaders.dealsByPipelineId.load({ id: pipeline.id, first: pageSize(first) }));
    primeDeals(ctx.loaders, deals);
    return deals;
  },
};
