import type { StageResolvers } from '../../../__generated__/resolvers-types.ts';
import { loadReferenced } from '../../common/lib/load.ts';

export const Stage: StageResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.stageById.load(reference.id),
  pipeline: (stage, _args, ctx) => loadReferenced(ctx.loaders.pipelineById, stage.pipelineId, 'Pipeline'),
};
