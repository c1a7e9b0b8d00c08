/**
 * The analytics services, built once per subgraph and shared by requests, the event consumer,
 * tests and the demo seed.
 */
import type { Logger } from '@crm/runtime';
import type { PrismaClient } from './__generated__/prisma/client.ts';
import { createDealProjection, type DealProjection } from './modules/pipeline-summary/services/deal-projection.ts';
import { createPipelineSummaryService, type PipelineSummaryService } from './modules/pipeline-summary/services/pipeline-summary.ts';

export interface Services {
  /** Read side: summaries per pipeline, and waiting for events to be reflected. */
  summary: PipelineSummaryService;
  /** Write side: applies sales events to the deal snapshots (the consumer calls it; tests may too). */
  projection: DealProjection;
}

export function createServices(deps: { prisma: PrismaClient; logger: Logger }): Services {
  return {
    summary: createPipelineSummaryService({ prisma: deps.prisma }),
    projection: createDealProjection({ prisma: deps.prisma, logger: deps.logger }),
  };
}
