/**
 * Builders of sales events as the sales subgraph publishes them (amounts and sequences as strings).
 */
import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@crm/events';

export interface DealState {
  tenantId: string;
  dealId: string;
  pipelineId: string;
  stageId: string;
  amountMinor: bigint;
  currency: string;
}

const envelope = (type: string, deal: DealState, payload: Record<string, unknown>): EventEnvelope => ({
  id: randomUUID(),
  type,
  version: 1,
  tenantId: deal.tenantId,
  actor: { userId: randomUUID(), kind: 'user' },
  aggregateId: deal.dealId,
  occurredAt: new Date().toISOString(),
  payload,
});

export const dealCreated = (deal: DealState, sequence: bigint): EventEnvelope =>
  envelope('sales.deal.created', deal, {
    dealId: deal.dealId,
    pipelineId: deal.pipelineId,
    stageId: deal.stageId,
    amountMinor: deal.amountMinor.toString(),
    currency: deal.currency,
    ownerId: null,
    accountId: null,
    sequence: sequence.toString(),
  });

export const dealMoved = (deal: DealState, toStageId: string, sequence: bigint): EventEnvelope =>
  envelope('sales.deal.stage_changed', deal, {
    dealId: deal.dealId,
    pipelineId: deal.pipelineId,
    fromStageId: deal.stageId,
    toStageId,
    amountMinor: deal.amountMinor.toString(),
    currency: deal.currency,
    sequence: sequence.toString(),
  });

export const dealUpdated = (deal: DealState, changes: Partial<Pick<DealState, 'amountMinor' | 'currency'>>, sequence: bigint): EventEnvelope => {
  const next = { ...deal, ...changes };
  const changed: Record<string, { from: string; to: string }> = {};
  if (changes.amountMinor !== undefined) changed.amountMinor = { from: deal.amountMinor.toString(), to: changes.amountMinor.toString() };
  if (changes.currency !== undefined) changed.currency = { from: deal.currency, to: changes.currency };
  return envelope('sales.deal.updated', deal, {
    dealId: deal.dealId,
    pipelineId: deal.pipelineId,
    stageId: deal.stageId,
    changed,
    amountMinor: next.amountMinor.toString(),
    currency: next.currency,
    sequence: sequence.toString(),
  });
};

/** A deal of a new random tenant, pipeline and stage unless given. */
export const newDeal = (over: Partial<DealState> = {}): DealState => ({
  tenantId: randomUUID(),
  dealId: randomUUID(),
  pipelineId: randomUUID(),
  stageId: randomUUID(),
  amountMinor: 10_000n,
  currency: 'USD',
  ...over,
});
