/**
 * The board journal read back: what changed on a pipeline board after a given sequence, so a
 * client that was disconnected can catch up before following the live subscription again.
 */
import type { BoardChangeModel } from '../../../__generated__/prisma/models.ts';
import type { TenantDb } from '../../../context.ts';

export interface BoardChangePage {
  events: BoardChangeModel[];
  /** Sequence of the last event returned, or `after` when there is none. */
  lastSequence: bigint;
  hasMore: boolean;
}

/** Up to `first` changes of the pipeline with a sequence above `after`, in sequence order. */
export async function boardChangesAfter(db: TenantDb, pipelineId: string, after: bigint, first: number): Promise<BoardChangePage> {
  if (first === 0) {
    const next = await db.boardChange.findFirst({ where: { pipelineId, sequence: { gt: after } }, select: { sequence: true } });
    return { events: [], lastSequence: after, hasMore: next !== null };
  }
  const rows = await db.boardChange.findMany({
    where: { pipelineId, sequence: { gt: after } },
    orderBy: { sequence: 'asc' },
    take: first + 1,
  });
  const events = rows.slice(0, first);
  return { events, lastSequence: events.at(-1)?.sequence ?? after, hasMore: rows.length > first };
}
