/**
 * Events of the lead-conversion saga. Customer publishes the request and the outcome; the sales
 * subgraph answers with the deal step's result, which `parseDealStepEvent` reads.
 */
import type { EventEnvelope } from '@crm/events';
import type { ConversionDealInput } from './conversion-input.ts';
import { isUuid } from '@crm/runtime';

/** A conversion was recorded; sales creates the deal when `deal` is not null. */
export const LEAD_CONVERSION_REQUESTED = 'customer.lead.conversion_requested';
/** The conversion is COMPLETED. */
export const LEAD_CONVERTED = 'customer.lead.converted';
/** The conversion is FAILED and was undone. */
export const LEAD_CONVERSION_FAILED = 'customer.lead.conversion_failed';

export const DEAL_CREATED_FOR_CONVERSION = 'sales.lead_conversion.deal_created';
export const DEAL_FAILED_FOR_CONVERSION = 'sales.lead_conversion.deal_failed';

/** Payload of `customer.lead.conversion_requested` (version 1). */
export interface LeadConversionRequestedPayload extends Record<string, unknown> {
  conversionId: string;
  leadId: string;
  contactId: string;
  accountId: string | null;
  deal: Required<ConversionDealInput> | null;
}

/** Payload of `customer.lead.converted` (version 1). */
export interface LeadConvertedPayload extends Record<string, unknown> {
  conversionId: string;
  leadId: string;
  contactId: string;
  accountId: string | null;
  dealId: string | null;
}

/** Payload of `customer.lead.conversion_failed` (version 1). */
export interface LeadConversionFailedPayload extends Record<string, unknown> {
  conversionId: string;
  leadId: string;
  reason: string;
}

export type DealStepResult =
  | { kind: 'created'; tenantId: string; eventId: string; conversionId: string; dealId: string }
  | { kind: 'failed'; tenantId: string; eventId: string; conversionId: string; reason: string };

/** Raised for a saga event whose payload is not what version 1 promises (the bus dead-letters it). */
export class InvalidDealStepEventError extends Error {
  override readonly name = 'InvalidDealStepEventError';
}


/** The deal step's result, or null for any other sales event. */
export function parseDealStepEvent(event: EventEnvelope): DealStepResult | null {
  if (event.type !== DEAL_CREATED_FOR_CONVERSION && event.type !== DEAL_FAILED_FOR_CONVERSION) return null;
  const { conversionId, dealId, reason } = event.payload;
  if (!isUuid(event.id) || !isUuid(event.tenantId) || !isUuid(conversionId)) {
    throw new InvalidDealStepEventError(`${event.type} ${event.id}: invalid event, tenant or conversion id`);
  }
  const base = { tenantId: event.tenantId.toLowerCase(), eventId: event.id, conversionId: conversionId.toLowerCase() };
  if (event.type === DEAL_CREATED_FOR_CONVERSION) {
    if (!isUuid(dealId)) throw new InvalidDealStepEventError(`${event.type} ${event.id}: invalid dealId`);
    return { kind: 'created', ...base, dealId: dealId.toLowerCase() };
  }
  if (typeof reason !== 'string' || !reason) throw new InvalidDealStepEventError(`${event.type} ${event.id}: missing reason`);
  return { kind: 'failed', ...base, reason: reason.slice(0, 1000) };
}
