/**
 * Request-scoped DataLoaders. Everything asked for in one tick becomes one SQL query per kind,
 * through the tenant-scoped client, so N pipelines cost one GROUP BY, not N.
 */
import DataLoader from 'dataloader';
import { unauthenticated } from '@crm/runtime';
import type { PipelineSummaryModel } from './modules/pipeline-summary/lib/summary.ts';
import { loadPipelineSummaries, type TenantDb } from './modules/pipeline-summary/services/pipeline-summary.ts';

export interface Loaders {
  /** Summary by pipeline id (empty for pipelines without deals). */
  pipelineSummary: DataLoader<string, PipelineSummaryModel>;
}

/** `scope` is null for requests without a tenant; loading then fails as unauthenticated. */
export function createLoaders(scope: { tenantId: string; db: TenantDb } | null): Loaders {
  return {
    pipelineSummary: new DataLoader<string, PipelineSummaryModel>(
      async (pipelineIds) => {
        if (!scope) throw unauthenticated();
        return loadPipelineSummaries(scope.db, scope.tenantId, pipelineIds);
      },
      { maxBatchSize: 500 },
    ),
  };
}
