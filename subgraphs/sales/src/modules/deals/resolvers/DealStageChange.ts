import type { DealStageChangeResolvers } from '../../../__generated__/resolvers-types.ts';
import { loadReferenced } from '../../common/lib/load.ts';

export const DealStageChange: DealStageChangeResolvers = {
  fromStage: (change, _args, ctx) => (change.fromStageId ? loadReferenced(ctx.loaders.stageById, change.fromStageId, 'Stage') : null),
  toStage: (change, _args, ctx) => loadReferenced(ctx.loaders.stageById, change.toStageId, 'Stage'),
  changedBy: (change) => (change.changedById ? { __typename: 'User', id: change.changedById } : null),
};
