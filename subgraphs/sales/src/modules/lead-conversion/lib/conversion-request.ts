/**
 * The sales side's reading of the lead-conversion saga: the customer subgraph's request
 * (`customer.lead.conversion_requested`, version 1) and the answers sales gives. The deal of a
 * conversion gets an id derived from the conversion, so however often a request is delivered or
 * retried, it can only ever be one deal.
 */
import { createHash } from 'node:crypto';
import type { EventEnvelope } from '@crm/events';
import { isUuid } from '@crm/runtime';

export const LEAD_CONVERSION_REQUESTED = 'customer.lead.conversion_requested';
export const LEAD_CONVERSION_DEAL_CREATED = 'sales.lead_conversion.deal_created';
export const LEAD_CONVERSION_DEAL_FAILED = 'sales.lead_conversion.deal_failed';

/** Payload of `sales.lead_conversion.deal_created` (version 1). */
export interface ConversionDealCreatedPayload extends Record<string, unknown> {
  conversionId: string;
  dealId: string;
}

/** Payload of `sales.lead_conversion.deal_failed` (version 1). */
export interface ConversionDealFailedPayload extends Record<string, unknown> {
  conversionId: string;
  reason: string;
}

/** The deal a conversion asks for, as the customer subgraph sent it (values checked by the deal service). */
export interface RequestedDeal {
  pipelineId: string;
  stageId: string | null;
  name: string;
  amount: string;
  currency: string;
  ownerId: string | null;
}

export interface ConversionRequest {
  eventId: string;
  tenantId: string;
  actor: EventEnvelope['actor'];
  conversionId: string;
  contactId: string | null;
  accountId: string | null;
  deal: RequestedDeal;
}

/** Raised for a conversion request whose payload is not what version 1 promises (the bus dead-letters it). */
export class InvalidConversionRequestError extends Error {
  override readonly name = 'InvalidConversionRequestError';
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function optionalUuid(value: unknown, field: string, eventId: string): string | null {
  if (value === null || value === undefined) return null;
  if (!isUuid(value)) throw new InvalidConversionRequestError(`${LEAD_CONVERSION_REQUESTED} ${eventId}: ${field} is not an id`);
  return value.toLowerCase();
}

function requiredString(value: unknown, field: string, eventId: string): string {
  if (typeof value !== 'string') throw new InvalidConversionRequestError(`${LEAD_CONVERSION_REQUESTED} ${eventId}: deal.${field} is not a string`);
  return value;
}

function optionalString(value: unknown, field: string, eventId: string): string | null {
  return value === null || value === undefined ? null : requiredString(value, field, eventId);
}

/**
 * The deal step a customer event asks for, or null when the event is not a conversion request or
 * the conversion needs no deal. Ids must be ids; the deal's values are left to the deal service.
 */
export function parseConversionRequest(event: EventEnvelope): ConversionRequest | null {
  if (event.type !== LEAD_CONVERSION_REQUESTED) return null;
  const { conversionId, contactId, accountId, deal } = event.payload;
  if (deal === null || deal === undefined) return null;
  if (!isUuid(event.id) || !isUuid(event.tenantId) || !isUuid(conversionId)) {
    throw new InvalidConversionRequestError(`${LEAD_CONVERSION_REQUESTED} ${event.id}: invalid event, tenant or conversion id`);
  }
  if (!isRecord(deal)) throw new InvalidConversionRequestError(`${LEAD_CONVERSION_REQUESTED} ${event.id}: deal is not an object`);
  return {
    eventId: event.id,
    tenantId: event.tenantId.toLowerCase(),
    actor: event.actor,
    conversionId: conversionId.toLowerCase(),
    contactId: optionalUuid(contactId, 'contactId', event.id),
    accountId: optionalUuid(accountId, 'accountId', event.id),
    deal: {
      pipelineId: requiredString(deal.pipelineId, 'pipelineId', event.id),
      stageId: optionalString(deal.stageId, 'stageId', event.id),
      name: requiredString(deal.name, 'name', event.id),
      amount: requiredString(deal.amount, 'amount', event.id),
      currency: requiredString(deal.currency, 'currency', event.id),
      ownerId: optionalString(deal.ownerId, 'ownerId', event.id),
    },
  };
}

/** The id of a conversion's deal: a name-based UUID (version 5 layout) of tenant and conversion. */
export function dealIdForConversion(tenantId: string, conversionId: string): string {
  const bytes = createHash('sha256').update(`crm.lead-conversion.deal:${tenantId.toLowerCase()}:${conversionId.toLowerCase()}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
