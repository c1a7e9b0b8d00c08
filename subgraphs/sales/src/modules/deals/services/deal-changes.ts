/**
 * The one way a deal changes once it exists, shared by the deal and pipeline services.
 *
 * Inside a tenant transaction that holds the pipeline lock (`lockPipeline`), a change:
 * advances the board sequence, writes the deal with a conditional UPDATE (`WHERE id = … AND
 * version = <the version read>`, so a writer that raced past the lock could never overwrite a
 * newer version), records the stage history when the deal changed stage, journals the board
 * change and queues its domain event for the outbox — all or nothing.
 */
import { forTenant, type TxClient } from '@crm/db';
import { appendOutbox, type EventEnvelope } from '@crm/events';
import { conflict, notFound } from '@crm/runtime';
import type { Prisma, PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { DealModel } from '../../../__generated__/prisma/models.ts';
import type { Actor } from '../../../context.ts';
import { isId } from '../../common/lib/input.ts';
import { advanceBoardSequence, lockPipelineOfDeal, recordBoardChanges, type BoardChangeType } from '../../pipelines/services/board-sequence.ts';
import { currentOf, staleExpectation, type Expectation } from '../lib/deal-rules.ts';

export type Tx = TxClient<PrismaClient>;

/**
 * Limits of a write transaction. Writers of one board queue on its pipeline lock inside the
 * transaction, and bulk creates write hundreds of rows, so Prisma's 5 s default is too tight.
 */
export const WRITE_TRANSACTION = { maxWait: 10_000, timeout: 30_000 } as const;

/** Runs `fn` in one tenant transaction; events it queues are appended to the outbox in the same transaction. */
export async function writeWithEvents<T>(
  prisma: PrismaClient,
  tenantId: string,
  eventsCommitted: () => void,
  fn: (tx: Tx, events: EventEnvelope[]) => Promise<T>,
): Promise<T> {
  let emitted = false;
  const result = await forTenant(prisma, tenantId).$transaction(async (tx) => {
    const events: EventEnvelope[] = [];
    const value = await fn(tx, events);
    if (events.length > 0) {
      await appendOutbox(tx, events);
      emitted = true;
    }
    return value;
  }, WRITE_TRANSACTION);
  if (emitted) eventsCommitted();
  return result;
}

/** A live (not deleted) deal of the tenant, or null. */
export function readDeal(tx: Tx, tenantId: string, dealId: string): Promise<DealModel | null> {
  return tx.deal.findFirst({ where: { id: dealId, tenantId, deletedAt: null } });
}

/** CONFLICT carrying the deal's current values in `extensions.current`. */
export function conflictWith(deal: DealModel, reason: string) {
  return conflict(`Deal ${deal.id} was not changed: ${reason}`, { current: currentOf(deal) });
}

/**
 * Whether the caller may make a change to a deal, decided on the deal as read under its pipeline
 * lock (so a concurrent reassignment cannot slip past it): throws (FORBIDDEN) when not.
 */
export type DealGuard = (deal: DealModel) => void;

/**
 * Takes the deal's pipeline lock, reads the deal (now current: every deal writer holds that lock),
 * then checks the caller's right to change it and the writer's expectation, in that order. Unknown
 * or deleted deal → NOT_FOUND; a `guard` refusal → FORBIDDEN (before any current value is shown);
 * a stale expectation → CONFLICT with the current values.
 */
export async function lockDealForChange(tx: Tx, tenantId: string, dealId: string, expected: Expectation = {}, guard?: DealGuard): Promise<DealModel> {
  if (!isId(dealId)) throw notFound('Deal', dealId);
  // a deal never leaves its pipeline: the lock taken is the current deal's
  const locked = (await lockPipelineOfDeal(tx, tenantId, dealId)) !== null;
  const current = locked ? await readDeal(tx, tenantId, dealId) : null;
  if (!current) throw notFound('Deal', dealId);
  guard?.(current);
  const stale = staleExpectation(current, expected);
  if (stale) throw conflictWith(current, stale);
  return current;
}

export interface DealChange {
  /** Fields to set (version, board sequence, stage and history are handled here). */
  data: Prisma.DealUpdateManyMutationInput;
  /** Target stage, when the change moves the deal. */
  toStageId?: string;
  board: BoardChangeType;
  /** The domain event describing the changed deal. */
  event: (deal: DealModel) => EventEnvelope;
}

/**
 * Applies one change to `current` (read under the pipeline lock) and returns the changed deal.
 * The caller's transaction must hold the pipeline lock (see {@link lockDealForChange}).
 */
export async function commitDealChange(
  tx: Tx,
  tenantId: string,
  actor: Actor,
  current: DealModel,
  change: DealChange,
  events: EventEnvelope[],
  now = new Date(),
): Promise<DealModel> {
  const sequence = (await advanceBoardSequence(tx, tenantId, current.pipelineId))!;
  const moves = change.toStageId !== undefined && change.toStageId !== current.stageId;
  const [deal] = await tx.deal.updateManyAndReturn({
    where: { id: current.id, tenantId, version: current.version, deletedAt: null },
    data: {
      ...change.data,
      ...(moves ? { stageId: change.toStageId, stageEnteredAt: now } : {}),
      version: { increment: 1 },
      boardSequence: sequence,
    },
  });
  if (!deal) {
    // Unreachable while every writer takes the pipeline lock; kept so a lost race can never overwrite silently.
    const latest = await readDeal(tx, tenantId, current.id);
    if (!latest) throw notFound('Deal', current.id);
    throw conflictWith(latest, 'it was changed concurrently');
  }
  if (moves) {
    await tx.dealStageChange.create({
      data: {
        tenantId,
        dealId: deal.id,
        pipelineId: deal.pipelineId,
        fromStageId: current.stageId,
        toStageId: deal.stageId,
        changedById: actorId(actor),
        changedAt: now,
        secondsInFromStage: Math.max(0, Math.floor((now.getTime() - current.stageEnteredAt.getTime()) / 1000)),
      },
    });
  }
  const event = change.event(deal);
  events.push(event);
  await recordBoardChanges(tx, tenantId, [
    {
      pipelineId: deal.pipelineId,
      sequence,
      type: change.board,
      dealId: deal.id,
      fromStageId: moves || change.board === 'DEAL_DELETED' ? current.stageId : null,
      toStageId: change.board === 'DEAL_DELETED' ? null : deal.stageId,
      occurredAt: new Date(event.occurredAt),
    },
  ]);
  return deal;
}

/** The actor's user id when it is one (history rows reference users by uuid). */
export function actorId(actor: Actor): string | null {
  return actor.userId !== null && isId(actor.userId) ? actor.userId : null;
}
