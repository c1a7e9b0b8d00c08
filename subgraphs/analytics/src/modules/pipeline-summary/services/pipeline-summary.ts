/**
 * Reads the pipeline summary: one GROUP BY over the tenant's deal snapshots for any number of
 * pipelines at once (the request loader batches every pipeline asked for in a tick into it).
 */
import { forTenant } from '@crm/db';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import { summarize, type PipelineSummaryModel } from '../lib/summary.ts';
import { PIPELINE_SUMMARY_CONSUMER } from './deal-projection.ts';

/** A Prisma client scoped to one tenant (`forTenant`), as the request context holds it. */
export type TenantDb = PrismaClient;

/** Summaries of `pipelineIds`, in the order given, with one query. */
export async function loadPipelineSummaries(db: TenantDb, tenantId: string, pipelineIds: readonly string[]): Promise<PipelineSummaryModel[]> {
  if (pipelineIds.length === 0) return [];
  const groups = await db.dealSnapshot.groupBy({
    by: ['tenantId', 'pipelineId', 'stageId', 'currency'],
    where: { tenantId, pipelineId: { in: [...new Set(pipelineIds)] } },
    _count: { _all: true },
    _sum: { amountMinor: true },
    _max: { updatedAt: true },
  });
  return summarize(
    pipelineIds,
    groups.map((group) => ({
      pipelineId: group.pipelineId,
      stageId: group.stageId,
      currency: group.currency,
      dealCount: group._count._all,
      amountMinor: group._sum.amountMinor ?? 0n,
      updatedAt: group._max.updatedAt,
    })),
  );
}

export interface PipelineSummaryService {
  /** The summary of one pipeline of `tenantId` (empty when it has no deals). */
  get(tenantId: string, pipelineId: string): Promise<PipelineSummaryModel>;
  /** Summaries of several pipelines of `tenantId`, in the order given, with one query. */
  getMany(tenantId: string, pipelineIds: readonly string[]): Promise<PipelineSummaryModel[]>;
  /** Whether the pipeline summary has consumed the event with this id. */
  hasProcessed(eventId: string): Promise<boolean>;
  /**
   * Resolves once the event has been consumed (applied, or recognised as stale or irrelevant);
   * rejects after `timeoutMs` (default 10 s). Lets callers wait for the read model to converge.
   */
  waitForEvent(eventId: string, timeoutMs?: number): Promise<void>;
}

export interface PipelineSummaryServiceDeps {
  prisma: PrismaClient;
  /** How often `waitForEvent` looks, ms. Default 25. */
  pollMs?: number;
}

export function createPipelineSummaryService({ prisma, pollMs = 25 }: PipelineSummaryServiceDeps): PipelineSummaryService {
  const getMany = (tenantId: string, pipelineIds: readonly string[]) => loadPipelineSummaries(forTenant(prisma, tenantId), tenantId, pipelineIds);

  async function hasProcessed(eventId: string): Promise<boolean> {
    const row = await prisma.processedEvent.findUnique({
      where: { consumer_eventId: { consumer: PIPELINE_SUMMARY_CONSUMER, eventId } },
      select: { eventId: true },
    });
    return row !== null;
  }

  return {
    async get(tenantId, pipelineId) {
      const [summary] = await getMany(tenantId, [pipelineId]);
      return summary!;
    },
    getMany,
    hasProcessed,
    async waitForEvent(eventId, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (await hasProcessed(eventId)) return;
        if (Date.now() >= deadline) throw new Error(`Event ${eventId} was not consumed by ${PIPELINE_SUMMARY_CONSUMER} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    },
  };
}
