/**
 * The board sequence of a pipeline: a counter advanced in the same transaction as every deal
 * change in the pipeline. Advancing it locks the pipeline row, so concurrent changes of one
 * board are serialized and numbered without gaps; events carry the number so a subscriber
 * can tell when it missed one.
 */
import type { TxClient } from '@crm/db';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';

/**
 * Advances the pipeline's sequence by `count` and returns the new value (the number of the last
 * of the `count` changes), or null when the tenant has no such pipeline.
 */
export async function advanceBoardSequence(
  tx: TxClient<PrismaClient>,
  tenantId: string,
  pipelineId: string,
  count = 1,
): Promise<bigint | null> {
  const rows = await tx.$queryRaw<Array<{ sequence: bigint }>>`
    UPDATE "Pipeline" SET "sequence" = "sequence" + ${BigInt(count)}
    WHERE "id" = ${pipelineId}::uuid AND "tenantId" = ${tenantId}::uuid
    RETURNING "sequence"`;
  const value = rows[0]?.sequence;
  return value === undefined ? null : BigInt(value);
}

/**
 * Locks the pipeline row for the rest of the transaction (true when the tenant has it). Every
 * write to a pipeline's deals takes this lock first, so deals read after it are current and
 * concurrent writers of one board queue up in one order (no deadlocks).
 */
export async function lockPipeline(tx: TxClient<PrismaClient>, tenantId: string, pipelineId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT "id" FROM "Pipeline" WHERE "id" = ${pipelineId}::uuid AND "tenantId" = ${tenantId}::uuid FOR UPDATE`;
  return rows.length > 0;
}

/**
 * Locks the pipeline of a live deal of the tenant (as {@link lockPipeline}) and returns its id, or
 * null when the tenant has no such deal: finding the pipeline and taking its lock cost one statement.
 */
export async function lockPipelineOfDeal(tx: TxClient<PrismaClient>, tenantId: string, dealId: string): Promise<string | null> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT p."id"::text AS "id" FROM "Pipeline" p
    WHERE p."tenantId" = ${tenantId}::uuid
      AND p."id" = (SELECT d."pipelineId" FROM "Deal" d WHERE d."id" = ${dealId}::uuid AND d."tenantId" = ${tenantId}::uuid AND d."deletedAt" IS NULL)
    FOR UPDATE`;
  return rows[0]?.id ?? null;
}

/** What happened to a deal on a board; the `PipelineBoardEventType` values. */
export type BoardChangeType = 'DEAL_CREATED' | 'DEAL_MOVED' | 'DEAL_UPDATED' | 'DEAL_WON' | 'DEAL_LOST' | 'DEAL_REOPENED' | 'DEAL_DELETED';

export interface BoardChangeRecord {
  pipelineId: string;
  sequence: bigint;
  type: BoardChangeType;
  dealId: string;
  fromStageId: string | null;
  toStageId: string | null;
  occurredAt: Date;
}

/**
 * Journals board changes under the sequence numbers they were given, in the transaction of the
 * change itself: `pipelineBoardChanges` answers reconnecting clients from this journal.
 */
export async function recordBoardChanges(tx: TxClient<PrismaClient>, tenantId: string, changes: readonly BoardChangeRecord[]): Promise<void> {
  if (changes.length === 0) return;
  await tx.boardChange.createMany({ data: changes.map((change) => ({ tenantId, ...change })) });
}
