import type { PipelineResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';
import { isUuid } from '../lib/ids.ts';

/**
 * Analytics contributes `Pipeline.summary`. Sales owns pipelines, so any well-formed id of the
 * caller's tenant resolves; a pipeline analytics has no deals for (or another tenant's) gets an
 * empty summary, never someone else's figures, because the summary is read within the caller's tenant.
 */
export const Pipeline: PipelineResolvers = {
  __resolveReference: async ({ id }, context) => {
    requireTenant(context);
    if (!isUuid(id)) return null;
    return { id, summary: await context.loaders.pipelineSummary.load(id) };
  },
  summary: (pipeline, _args, context) => pipeline.summary ?? context.loaders.pipelineSummary.load(pipeline.id),
};
