/**
 * Reads of deals that Prisma's query API cannot batch: the first N deals of each of several
 * pipelines or accounts, in one SQL statement (a window function ranks deals per parent).
 */
import { withTenantTransaction } from '@crm/db';
import { Prisma, type PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { DealModel } from '../../../__generated__/prisma/models.ts';

/** Every column of "Deal", in model order. */
const DEAL_COLUMNS = Prisma.raw(
  [
    'id', 'tenantId', 'pipelineId', 'stageId', 'name', 'amountMinor', 'currency', 'ownerId', 'accountId', 'version', 'boardSequence',
    'status', 'closeReason', 'closedAt', 'expectedCloseDate', 'stageEnteredAt', 'deletedAt', 'createdAt', 'updatedAt',
  ]
    .map((column) => `"${column}"`)
    .join(', '),
);

/** Order of deals in every list: oldest first, id as tie-breaker. */
export const DEAL_ORDER = [{ createdAt: 'asc' }, { id: 'asc' }] as const satisfies Prisma.DealOrderByWithRelationInput[];

export type DealParent = 'pipelineId' | 'accountId';

/**
 * The first `first` live (not deleted) deals of each parent in `parentIds`, grouped by parent id (parents without deals are absent).
 * Runs in a tenant transaction, so row-level security applies as well as the explicit tenant filter.
 */
export async function firstDealsByParent(
  prisma: PrismaClient,
  tenantId: string,
  parent: DealParent,
  parentIds: readonly string[],
  first: number,
): Promise<Map<string, DealModel[]>> {
  const grouped = new Map<string, DealModel[]>();
  if (parentIds.length === 0 || first <= 0) return grouped;
  const column = Prisma.raw(`"${parent}"`);
  const rows = await withTenantTransaction(prisma, tenantId, (tx) =>
    tx.$queryRaw<DealModel[]>`
      SELECT ${DEAL_COLUMNS} FROM (
        SELECT ${DEAL_COLUMNS}, row_number() OVER (PARTITION BY ${column} ORDER BY "createdAt", "id") AS "rank"
        FROM "Deal"
        WHERE "tenantId" = ${tenantId}::uuid AND ${column} = ANY(${[...parentIds]}::uuid[]) AND "deletedAt" IS NULL
      ) ranked
      WHERE "rank" <= ${first}
      ORDER BY ${column}, "rank"`,
  );
  for (const row of rows) {
    const key = row[parent];
    if (key === null) continue;
    const list = grouped.get(key);
    if (list) list.push(row);
    else grouped.set(key, [row]);
  }
  return grouped;
}
