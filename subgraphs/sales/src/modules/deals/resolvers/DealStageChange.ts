import type { DealStageChangeResolvers } from '../../../__generated__/resolvers-types.ts';
import { stageInPipeline } from '../../../loaders.ts';

export const DealStageChange: DealStageChangeResolvers = {
  fromStage: (change, _args, ctx) => (change.fromStageId ? stageInPipeline(ctx.loaders, change.pipelineId, change.fromStageId) : null),
  toStage: (change, _args, ctx) => stageInPipeline(ctx.loaders, change.pipelineId, change.toStageId),
  changedBy: (change) => (change.changedById ? { __typename: 'User', id: change.changedById } : null),
};
