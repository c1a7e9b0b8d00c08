/**
 * The analytics services, built once per subgraph and shared by requests, the event consumer,
 * tests and the demo seed.
 */
import type { Logger } from '@crm/runtime';
import type { PrismaClient } from './__generated__/prisma/client.ts';
import { createDealProjection, type DealProjection } from './modules/pipeline-summary/services/deal-projection.ts';
import { createPersistedQueriesService, type PersistedQueriesService } from './modules/saved-queries/services/persisted-queries.ts';
import { createPipelineSummaryService, type PipelineSummaryService } from './modules/pipeline-summary/services/pipeline-summary.ts';

export interface Services {
  /** Read side: summaries per pipeline, and waiting for events to be reflected. */
  summary: PipelineSummaryService;
  /** Write side: applies sales events to the deal snapshots (the consumer calls it; tests may too). */
  projection: DealProjection;
  /** Named persisted queries for BI tools. */
  persistedQueries: PersistedQueriesService;
}

export function createServices(deps: { prisma: PrismaClient; logger: Logger; onCommit?: () => void }): Services {
  return {
    summary: createPipelineSummaryService({ prisma: deps.prisma }),
    projection: createDealProjection({ prisma: deps.prisma, logger: deps.logger }),
    persistedQueries: createPersistedQueriesService({ prisma: deps.prisma, ...(deps.onCommit ? { onCommit: deps.onCommit } : {}) }),
  };
}
