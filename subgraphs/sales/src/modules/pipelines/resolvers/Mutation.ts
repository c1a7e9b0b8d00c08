import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, requireTenant } from '../../../context.ts';

export const Mutation: MutationResolvers = {
  createPipeline: async (_root, { input }, ctx) => {
    const { tenantId } = requireTenant(ctx);
    const pipeline = await ctx.services.pipelines.create(tenantId, actorOf(ctx), input);
    ctx.loaders.stagesByPipelineId.prime(pipeline.id, pipeline.stages);
    return pipeline;
  },
  addStage: (_root, { input }, ctx) => ctx.services.pipelines.addStage(requireTenant(ctx).tenantId, actorOf(ctx), input),
  renameStage: (_root, { id, name }, ctx) => ctx.services.pipelines.renameStage(requireTenant(ctx).tenantId, actorOf(ctx), id, name),
  updateStage: (_root, { id, input }, ctx) => ctx.services.pipelines.updateStage(requireTenant(ctx).tenantId, actorOf(ctx), id, input),
  reorderStages: (_root, { pipelineId, stageIds }, ctx) =>
    ctx.services.pipelines.reorderStages(requireTenant(ctx).tenantId, actorOf(ctx), pipelineId, stageIds),
  archiveStage: (_root, { id, moveDealsTo }, ctx) => ctx.services.pipelines.archiveStage(requireTenant(ctx).tenantId, actorOf(ctx), id, moveDealsTo),
};
