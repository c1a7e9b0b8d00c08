import { createEvent } from '@crm/events';
import { describe, expect, it } from 'vitest';
import { dealIdForConversion, InvalidConversionRequestError, LEAD_CONVERSION_REQUESTED, parseConversionRequest } from './conversion-request.ts';

const TENANT = '0b7c8a3e-2f59-4d0e-8a51-0f6f7c1d2e3a';
const CONVERSION = '6f1c1c0e-3f7a-4c55-9d7e-2f7a1b2c3d4e';
const CONTACT = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const actor = { userId: null, kind: 'user' as const };
const deal = { pipelineId: CONTACT, stageId: null, name: 'Deal', amount: '10', currency: 'EUR', ownerId: null };

const request = (payload: Record<string, unknown>) =>
  createEvent({ type: LEAD_CONVERSION_REQUESTED, tenantId: TENANT, actor, aggregateId: CONVERSION, payload: { conversionId: CONVERSION, leadId: CONTACT, ...payload } });

describe('parseConversionRequest', () => {
  it('reads a request with a deal', () => {
    const event = request({ contactId: CONTACT, accountId: null, deal });
    expect(parseConversionRequest(event)).toEqual({ eventId: event.id, tenantId: TENANT, actor, conversionId: CONVERSION, contactId: CONTACT, accountId: null, deal });
  });

  it('skips other events and conversions without a deal', () => {
    expect(parseConversionRequest(request({ contactId: CONTACT, accountId: null, deal: null }))).toBeNull();
    expect(parseConversionRequest(createEvent({ type: 'customer.lead.created', tenantId: TENANT, actor, aggregateId: CONTACT, payload: {} }))).toBeNull();
  });

  it('rejects malformed requests (they are dead-lettered)', () => {
    expect(() => parseConversionRequest(request({ conversionId: 'x', deal }))).toThrow(InvalidConversionRequestError);
    expect(() => parseConversionRequest(request({ accountId: 'x', deal }))).toThrow(InvalidConversionRequestError);
    expect(() => parseConversionRequest(request({ deal: { ...deal, amount: 10 } }))).toThrow(InvalidConversionRequestError);
  });
});

describe('dealIdForConversion', () => {
  it('is one uuid per tenant and conversion', () => {
    const id = dealIdForConversion(TENANT, CONVERSION);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(dealIdForConversion(TENANT.toUpperCase(), CONVERSION)).toBe(id);
    expect(dealIdForConversion(CONTACT, CONVERSION)).not.toBe(id);
    expect(dealIdForConversion(TENANT, CONTACT)).not.toBe(id);
  });
});
