/**
 * Moves the sales subgraph's references when the customer subgraph merges records, and moves them
 * back when the merge is undone.
 *
 * On `customer.account.merged`: deals of a merged account go to the survivor (through the deal
 * service, so each move is versioned, journalled on its board and published as `sales.deal.updated`),
 * and activities about a merged account follow. On `customer.contact.merged`: activities follow, and
 * a merged contact's deal links go to the survivor — where the survivor is already on the deal the
 * merged link is dropped (the survivor becomes primary when the dropped link was). Every reference
 * moved is written to `RecordMergeMove`, so `*.merge_undone` puts back exactly what the merge moved
 * (only what still points at the survivor: later edits win).
 *
 * Redelivery-safe: the move plan is recorded before deals change, deal moves skip deals already
 * moved, and the event id is marked processed with the closing `sales.record_merge.references_moved`.
 */
import { forTenant, withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent, type EventEnvelope } from '@crm/events';
import type { Logger } from '@crm/runtime';
import { GraphQLError } from 'graphql';
import type { Prisma, PrismaClient } from '../../../__generated__/prisma/client.ts';
import { createDealService } from '../../deals/services/deals.ts';
import type { Tx } from '../../deals/services/deal-changes.ts';
import { parseMergeEvent, REFERENCES_MOVED, type MergeRequest } from '../lib/merge-events.ts';

/** Consumer group and processed-event namespace. */
export const RECORD_MERGES_CONSUMER = 'sales.record-merges';

type MoveKind = 'DEAL_ACCOUNT' | 'DEAL_CONTACT' | 'ACTIVITY';

/** How a merged contact's link to a deal was handled. */
interface DealContactMove {
  action: 'moved' | 'removed';
  role: string | null;
  isPrimary: boolean;
  /** The survivor's own link became primary because the removed one was. */
  survivorMadePrimary: boolean;
}

export interface ReferencesMovedPayload extends Record<string, unknown> {
  mergeId: string;
  record: MergeRequest['record'];
  direction: MergeRequest['direction'];
  survivorId: string;
  deals: number;
  dealContacts: number;
  activities: number;
}

/** `moved`: references moved (or moved back); `duplicate`: the event was handled before; `ignored`: not a merge. */
export type RecordMergeOutcome = 'moved' | 'duplicate' | 'ignored';

export interface RecordMergeHandler {
  /** Applies one customer event. Throws `InvalidMergeEventError` for a malformed merge event. */
  apply(event: EventEnvelope): Promise<RecordMergeOutcome>;
}

export interface RecordMergeDeps {
  prisma: PrismaClient;
  logger: Logger;
  /** Called after a transaction that appended outbox events has committed. */
  eventsCommitted: () => void;
}

interface Counts {
  deals: number;
  dealContacts: number;
  activities: number;
}

const isNotFound = (error: unknown) => error instanceof GraphQLError && error.extensions.code === 'NOT_FOUND';

function dealContactMove(detail: Prisma.JsonValue | null): DealContactMove | null {
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return null;
  const { action, role, isPrimary, survivorMadePrimary } = detail as Record<string, unknown>;
  if (action !== 'moved' && action !== 'removed') return null;
  return { action, role: typeof role === 'string' ? role : null, isPrimary: isPrimary === true, survivorMadePrimary: survivorMadePrimary === true };
}

async function wasProcessed(tx: Tx, eventId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ found: number }[]>`
    SELECT 1 AS found FROM "ProcessedEvent" WHERE "consumer" = ${RECORD_MERGES_CONSUMER} AND "eventId" = ${eventId}::uuid`;
  return rows.length > 0;
}

function recordMoves(tx: Tx, request: MergeRequest, kind: MoveKind, moves: { itemId: string; fromId: string; detail?: DealContactMove }[]) {
  if (moves.length === 0) return Promise.resolve();
  return tx.recordMergeMove.createMany({
    data: moves.map(({ itemId, fromId, detail }) => ({
      tenantId: request.tenantId,
      mergeId: request.mergeId,
      kind,
      itemId,
      fromId,
      ...(detail ? { detail: { ...detail } satisfies Prisma.InputJsonObject } : {}),
    })),
    skipDuplicates: true,
  });
}

/** Activities about the merged records now about the survivor. */
async function moveActivities(tx: Tx, request: MergeRequest): Promise<number> {
  const activities = await tx.activity.findMany({
    where: { tenantId: request.tenantId, recordType: request.record, recordId: { in: request.mergedIds } },
    select: { id: true, recordId: true },
  });
  await recordMoves(tx, request, 'ACTIVITY', activities.map((activity) => ({ itemId: activity.id, fromId: activity.recordId })));
  if (activities.length > 0) {
    await tx.activity.updateMany({
      where: { id: { in: activities.map((activity) => activity.id) } },
      data: { recordId: request.survivorId, version: { increment: 1 } },
    });
  }
  return activities.length;
}

/** A merged contact's deal links move to the survivor, or are dropped where the survivor is already on the deal. */
async function moveDealContacts(tx: Tx, request: MergeRequest): Promise<number> {
  const { tenantId, survivorId } = request;
  const links = await tx.dealContact.findMany({
    where: { tenantId, contactId: { in: request.mergedIds } },
    orderBy: [{ dealId: 'asc' }, { addedAt: 'asc' }],
  });
  if (links.length === 0) return 0;
  const survivorLinks = await tx.dealContact.findMany({ where: { tenantId, contactId: survivorId, dealId: { in: links.map((link) => link.dealId) } } });
  const survivorOn = new Map(survivorLinks.map((link) => [link.dealId, link.isPrimary]));
  const moves: { itemId: string; fromId: string; detail: DealContactMove }[] = [];
  for (const link of links) {
    const survivorPrimary = survivorOn.get(link.dealId);
    if (survivorPrimary === undefined) {
      await tx.dealContact.update({ where: { dealId_contactId: { dealId: link.dealId, contactId: link.contactId } }, data: { contactId: survivorId } });
      survivorOn.set(link.dealId, link.isPrimary);
      moves.push({ itemId: link.dealId, fromId: link.contactId, detail: { action: 'moved', role: link.role, isPrimary: link.isPrimary, survivorMadePrimary: false } });
    } else {
      const makePrimary = link.isPrimary && !survivorPrimary;
      await tx.dealContact.delete({ where: { dealId_contactId: { dealId: link.dealId, contactId: link.contactId } } });
      if (makePrimary) {
        await tx.dealContact.update({ where: { dealId_contactId: { dealId: link.dealId, contactId: survivorId } }, data: { isPrimary: true } });
        survivorOn.set(link.dealId, true);
      }
      moves.push({ itemId: link.dealId, fromId: link.contactId, detail: { action: 'removed', role: link.role, isPrimary: link.isPrimary, survivorMadePrimary: makePrimary } });
    }
  }
  await recordMoves(tx, request, 'DEAL_CONTACT', moves);
  return moves.length;
}

/** Activities the merge moved go back to their record (those still about the survivor). */
async function restoreActivities(tx: Tx, request: MergeRequest): Promise<number> {
  const moves = await tx.recordMergeMove.findMany({ where: { tenantId: request.tenantId, mergeId: request.mergeId, kind: 'ACTIVITY' } });
  const byOrigin = new Map<string, string[]>();
  for (const move of moves) byOrigin.set(move.fromId, [...(byOrigin.get(move.fromId) ?? []), move.itemId]);
  let restored = 0;
  for (const [fromId, ids] of byOrigin) {
    const { count } = await tx.activity.updateMany({
      where: { id: { in: ids }, recordId: request.survivorId },
      data: { recordId: fromId, version: { increment: 1 } },
    });
    restored += count;
  }
  return restored;
}

/** Deal links the merge moved or dropped are put back as they were. */
async function restoreDealContacts(tx: Tx, request: MergeRequest): Promise<number> {
  const { tenantId, survivorId } = request;
  const moves = await tx.recordMergeMove.findMany({ where: { tenantId, mergeId: request.mergeId, kind: 'DEAL_CONTACT' }, orderBy: { movedAt: 'asc' } });
  let restored = 0;
  for (const move of moves) {
    const detail = dealContactMove(move.detail);
    if (!detail) continue;
    const dealId = move.itemId;
    const back = { role: detail.role, isPrimary: detail.isPrimary };
    if (detail.action === 'moved') {
      const { count } = await tx.dealContact.updateMany({ where: { tenantId, dealId, contactId: survivorId }, data: { contactId: move.fromId, ...back } });
      restored += count;
    } else {
      // A deal has one primary contact: the survivor gives the flag back before the link returns with it.
      if (detail.survivorMadePrimary) await tx.dealContact.updateMany({ where: { tenantId, dealId, contactId: survivorId }, data: { isPrimary: false } });
      const inserted = await tx.dealContact.createMany({ data: [{ tenantId, dealId, contactId: move.fromId, ...back }], skipDuplicates: true });
      restored += inserted.count;
    }
  }
  return restored;
}

export function createRecordMergeHandler({ prisma, logger, eventsCommitted }: RecordMergeDeps): RecordMergeHandler {
  const deals = createDealService({ prisma, eventsCommitted });

  /** Moves each planned deal whose account is still `from` to `to`; returns how many moved. */
  async function moveDealAccounts(request: MergeRequest, plan: { itemId: string; fromId: string }[], direction: MergeRequest['direction']): Promise<number> {
    let moved = 0;
    for (const move of plan) {
      const [from, to] = direction === 'apply' ? [move.fromId, request.survivorId] : [request.survivorId, move.fromId];
      const deal = await forTenant(prisma, request.tenantId).deal.findFirst({ where: { id: move.itemId, deletedAt: null }, select: { accountId: true } });
      if (deal?.accountId !== from) continue;
      try {
        await deals.update(request.tenantId, request.actor, move.itemId, { accountId: to });
        moved += 1;
      } catch (error) {
        if (!isNotFound(error)) throw error; // deleted meanwhile: nothing to move
      }
    }
    return moved;
  }

  async function apply(request: MergeRequest): Promise<Counts | null> {
    const planned = await withTenantTransaction(prisma, request.tenantId, async (tx) => {
      if (await wasProcessed(tx, request.eventId)) return null;
      if (request.record === 'ACCOUNT') {
        const dealRows = await tx.deal.findMany({
          where: { tenantId: request.tenantId, accountId: { in: request.mergedIds }, deletedAt: null },
          select: { id: true, accountId: true },
        });
        await recordMoves(tx, request, 'DEAL_ACCOUNT', dealRows.map((deal) => ({ itemId: deal.id, fromId: deal.accountId! })));
      }
      const activities = await moveActivities(tx, request);
      const dealContacts = request.record === 'CONTACT' ? await moveDealContacts(tx, request) : 0;
      const plan = await tx.recordMergeMove.findMany({ where: { tenantId: request.tenantId, mergeId: request.mergeId, kind: 'DEAL_ACCOUNT' } });
      return { activities, dealContacts, plan };
    });
    if (!planned) return null;
    const moved = await moveDealAccounts(request, planned.plan, 'apply');
    return { deals: moved, dealContacts: planned.dealContacts, activities: planned.activities };
  }

  async function undo(request: MergeRequest): Promise<Counts | null> {
    const restored = await withTenantTransaction(prisma, request.tenantId, async (tx) => {
      if (await wasProcessed(tx, request.eventId)) return null;
      const activities = await restoreActivities(tx, request);
      const dealContacts = request.record === 'CONTACT' ? await restoreDealContacts(tx, request) : 0;
      await tx.recordMergeMove.deleteMany({ where: { tenantId: request.tenantId, mergeId: request.mergeId, kind: { in: ['ACTIVITY', 'DEAL_CONTACT'] } } });
      const plan = await tx.recordMergeMove.findMany({ where: { tenantId: request.tenantId, mergeId: request.mergeId, kind: 'DEAL_ACCOUNT' } });
      return { activities, dealContacts, plan };
    });
    if (!restored) return null;
    const moved = await moveDealAccounts(request, restored.plan, 'undo');
    return { deals: moved, dealContacts: restored.dealContacts, activities: restored.activities };
  }

  return {
    async apply(event) {
      const request = parseMergeEvent(event);
      if (!request) return 'ignored';
      const counts = request.direction === 'apply' ? await apply(request) : await undo(request);
      if (!counts) return 'duplicate';
      const recorded = await withTenantTransaction(prisma, request.tenantId, async (tx) => {
        const fresh = await tx.$executeRaw`
          INSERT INTO "ProcessedEvent" ("consumer", "eventId") VALUES (${RECORD_MERGES_CONSUMER}, ${request.eventId}::uuid) ON CONFLICT DO NOTHING`;
        if (fresh === 0) return false;
        if (request.direction === 'undo') await tx.recordMergeMove.deleteMany({ where: { tenantId: request.tenantId, mergeId: request.mergeId } });
        await appendOutbox(
          tx,
          createEvent<ReferencesMovedPayload>({
            type: REFERENCES_MOVED,
            tenantId: request.tenantId,
            actor: request.actor,
            aggregateId: request.mergeId,
            payload: { mergeId: request.mergeId, record: request.record, direction: request.direction, survivorId: request.survivorId, ...counts },
          }),
        );
        return true;
      });
      if (!recorded) return 'duplicate';
      eventsCommitted();
      logger.debug({ eventId: request.eventId, mergeId: request.mergeId, record: request.record, direction: request.direction, ...counts }, 'merge references moved');
      return 'moved';
    },
  };
}
