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
