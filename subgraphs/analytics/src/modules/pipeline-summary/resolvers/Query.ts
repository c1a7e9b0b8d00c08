import { badInput } from '@crm/runtime';
import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';
import { isUuid } from '../lib/ids.ts';

export const Query: QueryResolvers = {
  pipelineSummary: (_parent, { pipelineId }, context) => {
    requireTenant(context);
    if (!isUuid(pipelineId)) throw badInput('pipelineId must be a UUID', 'pipelineId');
    return context.loaders.pipelineSummary.load(pipelineId);
  },
};
