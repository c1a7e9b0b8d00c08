/**
 * Domain events of deals (topic `crm.sales.events`, aggregate = the deal).
 *
 * The analytics read model and the gateway's live board consume these payloads: keep them
 * stable. Amounts are minor units as decimal strings, sequences the pipeline's board sequence
 * after the change, as decimal strings.
 */
import { createEvent, type EventEnvelope } from '@crm/events';
import type { DealModel } from '../../../__generated__/prisma/models.ts';
import type { Actor } from '../../../context.ts';

export const DealEventType = {
  created: 'sales.deal.created',
  stageChanged: 'sales.deal.stage_changed',
  updated: 'sales.deal.updated',
  won: 'sales.deal.won',
  lost: 'sales.deal.lost',
  reopened: 'sales.deal.reopened',
  deleted: 'sales.deal.deleted',
} as const;
export type DealEventType = (typeof DealEventType)[keyof typeof DealEventType];

export type DealCreatedPayload = {
  dealId: string;
  pipelineId: string;
  stageId: string;
  amountMinor: string;
  currency: string;
  ownerId: string | null;
  accountId: string | null;
  sequence: string;
};

export type DealStageChangedPayload = {
  dealId: string;
  pipelineId: string;
  fromStageId: string;
  toStageId: string;
  amountMinor: string;
  currency: string;
  sequence: string;
};

/** Fields of a deal an update can change, as they appear in `changed` (amounts in minor units). */
export type DealChangedField = 'name' | 'amountMinor' | 'currency' | 'ownerId' | 'accountId' | 'expectedCloseDate';
/**
 * What else a change can touch on a deal: its line items (`from`/`to` are line counts), a
 * collaborator (user id; `from` null when added, `to` null when removed) or a linked contact (contact id, likewise).
 */
export type DealRelationField = 'lineItems' | 'collaborator' | 'contact';
export type DealChanges = Partial<Record<DealChangedField | DealRelationField, { from: string | null; to: string | null }>>;

export type DealUpdatedPayload = {
  dealId: string;
  pipelineId: string;
  stageId: string;
  changed: DealChanges;
  amountMinor: string;
  currency: string;
  sequence: string;
};

export function dealCreated(tenantId: string, actor: Actor, deal: DealModel): EventEnvelope<DealCreatedPayload> {
  return createEvent<DealCreatedPayload>({
    type: DealEventType.created,
    tenantId,
    actor,
    aggregateId: deal.id,
    payload: {
      dealId: deal.id,
      pipelineId: deal.pipelineId,
      stageId: deal.stageId,
      amountMinor: deal.amountMinor.toString(),
      currency: deal.currency,
      ownerId: deal.ownerId,
      accountId: deal.accountId,
      sequence: deal.boardSequence.toString(),
    },
  });
}

export function dealStageChanged(
  tenantId: string,
  actor: Actor,
  fromStageId: string,
  deal: DealModel,
): EventEnvelope<DealStageChangedPayload> {
  return createEvent<DealStageChangedPayload>({
    type: DealEventType.stageChanged,
    tenantId,
    actor,
    aggregateId: deal.id,
    payload: {
      dealId: deal.id,
      pipelineId: deal.pipelineId,
      fromStageId,
      toStageId: deal.stageId,
      amountMinor: deal.amountMinor.toString(),
      currency: deal.currency,
      sequence: deal.boardSequence.toString(),
    },
  });
}

export function dealUpdated(tenantId: string, actor: Actor, changed: DealChanges, deal: DealModel): EventEnvelope<DealUpdatedPayload> {
  return createEvent<DealUpdatedPayload>({
    type: DealEventType.updated,
    tenantId,
    actor,
    aggregateId: deal.id,
    payload: {
      dealId: deal.id,
      pipelineId: deal.pipelineId,
      stageId: deal.stageId,
      changed,
      amountMinor: deal.amountMinor.toString(),
      currency: deal.currency,
      sequence: deal.boardSequence.toString(),
    },
  });
}

/**
 * Payload of `sales.deal.won`, `sales.deal.lost`, `sales.deal.reopened` and `sales.deal.deleted`:
 * the deal's state after the change. `stageId` is the stage it stands in now; a change that moved it
 * also names `fromStageId` and `toStageId` (= `stageId`). `reason` is given for won and lost.
 */
export type DealLifecyclePayload = {
  dealId: string;
  pipelineId: string;
  stageId: string;
  fromStageId?: string;
  toStageId?: string;
  amountMinor: string;
  currency: string;
  sequence: string;
  reason?: string;
};

export type DealLifecycleEventType = typeof DealEventType.won | typeof DealEventType.lost | typeof DealEventType.reopened | typeof DealEventType.deleted;

export function dealLifecycleEvent(
  type: DealLifecycleEventType,
  tenantId: string,
  actor: Actor,
  deal: DealModel,
  extra: { fromStageId?: string; reason?: string | null } = {},
): EventEnvelope<DealLifecyclePayload> {
  const payload: DealLifecyclePayload = {
    dealId: deal.id,
    pipelineId: deal.pipelineId,
    stageId: deal.stageId,
    amountMinor: deal.amountMinor.toString(),
    currency: deal.currency,
    sequence: deal.boardSequence.toString(),
  };
  if (extra.fromStageId !== undefined && extra.fromStageId !== deal.stageId) {
    payload.fromStageId = extra.fromStageId;
    payload.toStageId = deal.stageId;
  }
  if (extra.reason) payload.reason = extra.reason;
  return createEvent<DealLifecyclePayload>({ type, tenantId, actor, aggregateId: deal.id, payload });
}

/** What an update changes, field by field; empty when the update changes nothing. */
export function diffDeal(before: DealModel, after: Pick<DealModel, DealChangedField>): DealChanges {
  const changes: DealChanges = {};
  const fields: DealChangedField[] = ['name', 'amountMinor', 'currency', 'ownerId', 'accountId', 'expectedCloseDate'];
  for (const field of fields) {
    const from = show(before[field]);
    const to = show(after[field]);
    if (from !== to) changes[field] = { from, to };
  }
  return changes;
}

/** A field's value as events carry it: dates as `YYYY-MM-DD`, everything else as a string. */
function show(value: string | bigint | Date | null): string | null {
  if (value === null) return null;
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
}
