import { createEvent } from '@crm/events';
import { describe, expect, it } from 'vitest';
import { DEAL_CREATED_FOR_CONVERSION, DEAL_FAILED_FOR_CONVERSION, InvalidDealStepEventError, parseDealStepEvent } from './conversion-events.ts';

const TENANT = '0b7c8a3e-2f59-4d0e-8a51-0f6f7c1d2e3a';
const CONVERSION = '6f1c1c0e-3f7a-4c55-9d7e-2f7a1b2c3d4e';
const DEAL = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const actor = { userId: null, kind: 'system' as const };

describe('parseDealStepEvent', () => {
  it('reads the created and failed answers', () => {
    const created = createEvent({ type: DEAL_CREATED_FOR_CONVERSION, tenantId: TENANT, actor, aggregateId: CONVERSION, payload: { conversionId: CONVERSION, dealId: DEAL } });
    expect(parseDealStepEvent(created)).toEqual({ kind: 'created', tenantId: TENANT, eventId: created.id, conversionId: CONVERSION, dealId: DEAL });
    const failed = createEvent({ type: DEAL_FAILED_FOR_CONVERSION, tenantId: TENANT, actor, aggregateId: CONVERSION, payload: { conversionId: CONVERSION, reason: 'stageId is wrong' } });
    expect(parseDealStepEvent(failed)).toMatchObject({ kind: 'failed', reason: 'stageId is wrong' });
  });

  it('ignores other sales events and rejects malformed answers', () => {
    expect(parseDealStepEvent(createEvent({ type: 'sales.deal.created', tenantId: TENANT, actor, aggregateId: DEAL, payload: {} }))).toBeNull();
    const bad = createEvent({ type: DEAL_CREATED_FOR_CONVERSION, tenantId: TENANT, actor, aggregateId: CONVERSION, payload: { conversionId: CONVERSION, dealId: 'x' } });
    expect(() => parseDealStepEvent(bad)).toThrow(InvalidDealStepEventError);
    const noReason = createEvent({ type: DEAL_FAILED_FOR_CONVERSION, tenantId: TENANT, actor, aggregateId: CONVERSION, payload: { conversionId: CONVERSION } });
    expect(() => parseDealStepEvent(noReason)).toThrow(InvalidDealStepEventError);
  });
});
