/**
 * The board journal read back: what changed on a pipeline board after a given sequence, so a
 * client that was disconnected can catch up before following the live subscription again.
 */
import type { Prisma } from '../../../__generated__/prisma/client.ts';
import type { BoardChangeModel } from '../../../__generated__/prisma/models.ts';
import type { TenantDb } from '../../../context.ts';

export interface BoardChangePage {
  events: BoardChangeModel[];
  /** Sequence of the last event returned, or `after` when there is none. */
  lastSequence: bigint;
  hasMore: boolean;
}

/**
 * Up to `first` changes of the pipeline with a sequence above `after`, in sequence order, among
 * the changes of deals within `scope` (the caller's read scope on deals; `{}` for every deal).
 * Changes of deals the caller may not read are left out altogether (not sent with `deal: null`),
 * so a catch-up never reveals that such a deal exists, moved or was deleted; sequences the
 * caller receives may therefore have gaps.
 */
export async function boardChangesAfter(db: TenantDb, pipelineId: string, after: bigint, first: number, scope: Prisma.DealWhereInput = {}): Promise<BoardChangePage> {
  // Deleted deals count too: their DEAL_DELETED change is shown to whoever could read them.
  const readable = Object.keys(scope).length === 0 ? {} : { dealId: { in: (await db.deal.findMany({ where: scope, select: { id: true } })).map((deal) => deal.id) } };
  if (first === 0) {
    const next = await db.boardChange.findFirst({ where: { pipelineId, sequence: { gt: after }, ...readable }, select: { sequence: true } });
    return { events: [], lastSequence: after, hasMore: next !== null };
  }
  const rows = await db.boardChange.findMany({
    where: { pipelineId, sequence: { gt: after }, ...readable },
    orderBy: { sequence: 'asc' },
    take: first + 1,
  });
  const events = rows.slice(0, first);
  return { events, lastSequence: events.at(-1)?.sequence ?? after, hasMore: rows.length > first };
}
