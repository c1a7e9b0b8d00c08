import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';
import { primePipelines } from '../../../loaders.ts';

export const Query: QueryResolvers = {
  pipelines: async (_root, _args, ctx) => {
    const pipelines = await ctx.services.pipelines.list(requireTenant(ctx).db);
    primePipelines(ctx.loaders, pipelines);
    return pipelines;
  },
  pipeline: (_root, { id }, ctx) => {
    requireTenant(ctx);
    return ctx.loaders.pipelineById.load(id);
  },
};
