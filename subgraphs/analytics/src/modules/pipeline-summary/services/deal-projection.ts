/**
 * Keeps `DealSnapshot` (the latest known state of each deal) in step with the sales events.
 *
 * Each event is applied exactly once and in one transaction with the tenant set: the event id is
 * recorded in `ProcessedEvent` (a redelivery finds it there and changes nothing), then the
 * snapshot is upserted only if the event is newer than what the row already reflects (pipeline
 * sequence), so events arriving late or out of order can never roll a deal back. A deleted deal's
 * snapshot is removed (again only if the deletion is newer than the row); its earlier events were
 * delivered before it (one deal's events are ordered) and redeliveries of them are recognized as
 * duplicates, so a deleted deal does not come back. Row-level
 * security checks that the snapshot belongs to the event's tenant: an event that would touch
 * another tenant's deal fails, and the bus dead-letters it.
 */
import { withTenantTransaction } from '@crm/db';
import { markProcessed, type EventEnvelope } from '@crm/events';
import type { Logger } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import { isUuid } from '../lib/ids.ts';
import { parseDealEvent, type DealChange } from '../lib/sales-events.ts';

/** Consumer group and processed-event namespace of the pipeline summary. */
export const PIPELINE_SUMMARY_CONSUMER = 'analytics.pipeline-summary';

/**
 * - `applied`: the snapshot now reflects the event
 * - `stale`: recorded, but the snapshot already reflects a newer change
 * - `duplicate`: the event was applied before; nothing changed
 * - `ignored`: not an event this read model uses
 */
export type ApplyOutcome = 'applied' | 'stale' | 'duplicate' | 'ignored';

export interface DealProjection {
  /** Applies one sales event. Throws `InvalidEventError` for a malformed deal event. */
  apply(event: EventEnvelope): Promise<ApplyOutcome>;
}

export interface DealProjectionDeps {
  prisma: PrismaClient;
  logger: Logger;
}

export function createDealProjection({ prisma, logger }: DealProjectionDeps): DealProjection {
  /** Upserts the snapshot unless it already reflects a change at or after this sequence. */
  async function upsertSnapshot(tx: Pick<PrismaClient, '$executeRaw'>, change: DealChange): Promise<boolean> {
    const written = await tx.$executeRaw`
      INSERT INTO "DealSnapshot" ("dealId", "tenantId", "pipelineId", "stageId", "amountMinor", "currency", "lastSequence", "updatedAt")
      VALUES (${change.dealId}::uuid, ${change.tenantId}::uuid, ${change.pipelineId}::uuid, ${change.stageId}::uuid,
              ${change.amountMinor.toString()}::bigint, ${change.currency}, ${change.sequence.toString()}::bigint,
              ${change.occurredAt.toISOString()}::timestamptz)
      ON CONFLICT ("dealId") DO UPDATE SET
        "pipelineId" = EXCLUDED."pipelineId",
        "stageId" = EXCLUDED."stageId",
        "amountMinor" = EXCLUDED."amountMinor",
        "currency" = EXCLUDED."currency",
        "lastSequence" = EXCLUDED."lastSequence",
        "updatedAt" = EXCLUDED."updatedAt"
      WHERE "DealSnapshot"."lastSequence" < EXCLUDED."lastSequence"`;
    return written > 0;
  }

  /** Removes the snapshot unless it already reflects a change after this deletion. */
  async function removeSnapshot(tx: Pick<PrismaClient, '$executeRaw'>, change: DealChange): Promise<boolean> {
    const removed = await tx.$executeRaw`
      DELETE FROM "DealSnapshot"
      WHERE "dealId" = ${change.dealId}::uuid AND "tenantId" = ${change.tenantId}::uuid
        AND "lastSequence" < ${change.sequence.toString()}::bigint`;
    return removed > 0;
  }

  return {
    async apply(event) {
      const change = parseDealEvent(event);
      if (!change) {
        // Recorded anyway so "has analytics seen this event?" has one answer for every sales event.
        if (isUuid(event.id)) await markProcessed(prisma, PIPELINE_SUMMARY_CONSUMER, event.id);
        return 'ignored';
      }
      const outcome = await withTenantTransaction(prisma, change.tenantId, async (tx): Promise<ApplyOutcome> => {
        if (!(await markProcessed(tx, PIPELINE_SUMMARY_CONSUMER, change.eventId))) return 'duplicate';
        if (change.deleted) return (await removeSnapshot(tx, change)) ? 'applied' : 'stale';
        return (await upsertSnapshot(tx, change)) ? 'applied' : 'stale';
      });
      if (outcome !== 'applied') {
        logger.debug({ eventId: change.eventId, type: event.type, dealId: change.dealId, tenantId: change.tenantId, outcome }, 'deal event skipped');
      }
      return outcome;
    },
  };
}
