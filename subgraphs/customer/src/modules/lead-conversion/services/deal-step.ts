/**
 * The customer side of the lead-conversion saga's answer: the sales subgraph reports the deal it
 * created (the conversion becomes COMPLETED with its deal) or refused (compensation: the
 * conversion becomes FAILED with the reason, the lead gets its previous status back, the contact
 * and account the conversion created go to the trash and a link it made is removed; records it
 * matched stay as they were).
 *
 * Each answer is applied once, in one tenant transaction with its processed-event record, and only
 * to a PENDING conversion, so redeliveries and late duplicates change nothing.
 */
import { withTenantTransaction, type TxClient } from '@crm/db';
import { appendOutbox, createEvent, markProcessed, type EventEnvelope } from '@crm/events';
import type { Logger } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { LeadConversionModel } from '../../../__generated__/prisma/models.ts';
import {
  LEAD_CONVERSION_FAILED,
  LEAD_CONVERTED,
  parseDealStepEvent,
  type DealStepResult,
  type LeadConversionFailedPayload,
  type LeadConvertedPayload,
} from '../lib/conversion-events.ts';

/** Consumer group and processed-event namespace of the saga's customer side. */
export const LEAD_CONVERSION_CONSUMER = 'customer.lead-conversion';

/**
 * - `applied`: the conversion was completed or compensated
 * - `duplicate`: this event was applied before
 * - `stale`: the conversion is no longer PENDING
 * - `unknown`: no such conversion in the event's tenant
 * - `ignored`: not a saga event
 */
export type DealStepOutcome = 'applied' | 'duplicate' | 'stale' | 'unknown' | 'ignored';

export interface DealStepHandler {
  /** Applies one sales event. Throws `InvalidDealStepEventError` for a malformed saga event. */
  apply(event: EventEnvelope): Promise<DealStepOutcome>;
}

export interface DealStepDeps {
  prisma: PrismaClient;
  logger: Logger;
  /** Called after each committed change (publishes the outbox at once). */
  onCommit: () => void;
}

type Tx = TxClient<PrismaClient>;

async function complete(tx: Tx, conversion: LeadConversionModel, step: Extract<DealStepResult, { kind: 'created' }>, actor: EventEnvelope['actor']): Promise<boolean> {
  const { count } = await tx.leadConversion.updateMany({
    where: { id: conversion.id, status: 'PENDING' },
    data: { status: 'COMPLETED', dealId: step.dealId, finishedAt: new Date() },
  });
  if (count === 0) return false;
  await appendOutbox(
    tx,
    createEvent<LeadConvertedPayload>({
      type: LEAD_CONVERTED,
      tenantId: step.tenantId,
      actor,
      aggregateId: conversion.id,
      payload: { conversionId: conversion.id, leadId: conversion.leadId, contactId: conversion.contactId, accountId: conversion.accountId, dealId: step.dealId },
    }),
  );
  return true;
}

async function compensate(tx: Tx, conversion: LeadConversionModel, step: Extract<DealStepResult, { kind: 'failed' }>, actor: EventEnvelope['actor']): Promise<boolean> {
  const now = new Date();
  const { count } = await tx.leadConversion.updateMany({
    where: { id: conversion.id, status: 'PENDING' },
    data: { status: 'FAILED', failureReason: step.reason, finishedAt: now },
  });
  if (count === 0) return false;
  const tenantId = step.tenantId;
  const events: EventEnvelope[] = [];
  await tx.lead.updateMany({ where: { id: conversion.leadId, status: 'CONVERTED' }, data: { status: conversion.previousLeadStatus } });
  if (conversion.linkCreated && conversion.accountId) {
    await tx.accountContact.deleteMany({ where: { accountId: conversion.accountId, contactId: conversion.contactId } });
  }
  if (conversion.contactCreated) {
    const trashed = await tx.contact.updateMany({ where: { id: conversion.contactId, deletedAt: null }, data: { deletedAt: now } });
    if (trashed.count > 0) events.push(createEvent({ type: 'customer.contact.deleted', tenantId, actor, aggregateId: conversion.contactId, payload: {} }));
  }
  if (conversion.accountCreated && conversion.accountId) {
    const trashed = await tx.account.updateMany({ where: { id: conversion.accountId, deletedAt: null }, data: { deletedAt: now } });
    if (trashed.count > 0) events.push(createEvent({ type: 'customer.account.deleted', tenantId, actor, aggregateId: conversion.accountId, payload: {} }));
  }
  events.push(
    createEvent<LeadConversionFailedPayload>({
      type: LEAD_CONVERSION_FAILED,
      tenantId,
      actor,
      aggregateId: conversion.id,
      payload: { conversionId: conversion.id, leadId: conversion.leadId, reason: step.reason },
    }),
  );
  await appendOutbox(tx, events);
  return true;
}

export function createDealStepHandler({ prisma, logger, onCommit }: DealStepDeps): DealStepHandler {
  return {
    async apply(event) {
      const step = parseDealStepEvent(event);
      if (!step) return 'ignored';
      const actor: EventEnvelope['actor'] = { userId: null, kind: 'system' };
      const outcome = await withTenantTransaction(prisma, step.tenantId, async (tx): Promise<DealStepOutcome> => {
        if (!(await markProcessed(tx, LEAD_CONVERSION_CONSUMER, step.eventId))) return 'duplicate';
        const conversion = await tx.leadConversion.findFirst({ where: { id: step.conversionId } });
        if (!conversion) return 'unknown';
        const changed = step.kind === 'created' ? await complete(tx, conversion, step, actor) : await compensate(tx, conversion, step, actor);
        return changed ? 'applied' : 'stale';
      });
      if (outcome === 'applied') onCommit();
      else logger.debug({ eventId: step.eventId, type: event.type, conversionId: step.conversionId, tenantId: step.tenantId, outcome }, 'deal step skipped');
      return outcome;
    },
  };
}
