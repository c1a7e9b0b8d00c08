import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, requireTenant } from '../../../context.ts';

export const Mutation: MutationResolvers = {
  createPipeline: async (_root, { input }, ctx) => {
    const { tenantId } = requireTenant(ctx);
    const pipeline = await ctx.services.pipelines.create(tenantId, actorOf(ctx), input);
    ctx.loaders.stagesByPipelineId.prime(pipeline.id, pipeline.stages);
    return pipeline;
  },
};
