import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@crm/events';
import { InvalidEventError, parseDealEvent } from './sales-events.ts';

function event(type: string, payload: Record<string, unknown>, over: Partial<EventEnvelope> = {}): EventEnvelope {
  return {
    id: randomUUID(),
    type,
    version: 1,
    tenantId: randomUUID(),
    actor: { userId: null, kind: 'user' },
    aggregateId: String(payload.dealId),
    occurredAt: '2026-02-01T10:00:00.000Z',
    payload,
    ...over,
  };
}

const ids = { dealId: randomUUID(), pipelineId: randomUUID(), stageId: randomUUID(), toStageId: randomUUID() };

describe('parseDealEvent', () => {
  it('reads a created deal', () => {
    const e = event('sales.deal.created', { ...ids, amountMinor: '12345', currency: 'USD', ownerId: null, accountId: null, sequence: '7' });
    expect(parseDealEvent(e)).toEqual({
      eventId: e.id,
      tenantId: e.tenantId,
      deleted: false,
      dealId: ids.dealId,
      pipelineId: ids.pipelineId,
      stageId: ids.stageId,
      amountMinor: 12345n,
      currency: 'USD',
      sequence: 7n,
      occurredAt: new Date('2026-02-01T10:00:00.000Z'),
    });
  });

  it('takes the target stage of a stage change and the stage of an update', () => {
    const moved = parseDealEvent(
      event('sales.deal.stage_changed', { ...ids, fromStageId: ids.stageId, amountMinor: '1', currency: 'EUR', sequence: '8' }),
    );
    expect(moved?.stageId).toBe(ids.toStageId);
    const updated = parseDealEvent(
      event('sales.deal.updated', { ...ids, changed: { amountMinor: { from: '1', to: '2' } }, amountMinor: '2', currency: 'EUR', sequence: 9 }),
    );
    expect(updated).toMatchObject({ stageId: ids.stageId, amountMinor: 2n, sequence: 9n });
  });

  it('takes the stage a deal was won, lost or reopened into, and flags a deletion', () => {
    const lifecycle = { dealId: ids.dealId, pipelineId: ids.pipelineId, stageId: ids.toStageId, fromStageId: ids.stageId, toStageId: ids.toStageId, amountMinor: '5', currency: 'USD' };
    for (const type of ['sales.deal.won', 'sales.deal.lost', 'sales.deal.reopened']) {
      expect(parseDealEvent(event(type, { ...lifecycle, sequence: '3', reason: 'Price' }))).toMatchObject({ stageId: ids.toStageId, deleted: false, sequence: 3n });
    }
    const deleted = parseDealEvent(event('sales.deal.deleted', { dealId: ids.dealId, pipelineId: ids.pipelineId, stageId: ids.stageId, amountMinor: '5', currency: 'USD', sequence: '4' }));
    expect(deleted).toMatchObject({ stageId: ids.stageId, deleted: true, sequence: 4n });
    expect(() => parseDealEvent(event('sales.deal.deleted', { dealId: ids.dealId, pipelineId: ids.pipelineId, sequence: '4' }))).toThrow(InvalidEventError);
  });

  it('ignores event types the pipeline summary does not use', () => {
    expect(parseDealEvent(event('sales.pipeline.created', { pipelineId: ids.pipelineId }))).toBeNull();
  });

  it('rejects deal events with missing or malformed fields, naming them', () => {
    const broken = event('sales.deal.created', { dealId: ids.dealId, pipelineId: 'nope', amountMinor: '-5', currency: 'usd' });
    expect(() => parseDealEvent(broken)).toThrow(InvalidEventError);
    try {
      parseDealEvent(broken);
    } catch (error) {
      const issues = (error as InvalidEventError).issues.join('\n');
      for (const field of ['pipelineId', 'stageId', 'amountMinor', 'currency', 'sequence']) expect(issues).toContain(`payload.${field}`);
    }
  });

  it('rejects an amount that does not fit a bigint and a deal id that is not the aggregate', () => {
    const huge = event('sales.deal.created', { ...ids, amountMinor: '9999999999999999999', currency: 'USD', sequence: '1' });
    expect(() => parseDealEvent(huge)).toThrow(/amountMinor: too large/);
    const mismatched = event('sales.deal.created', { ...ids, amountMinor: '1', currency: 'USD', sequence: '1' }, { aggregateId: randomUUID() });
    expect(() => parseDealEvent(mismatched)).toThrow(/aggregateId/);
  });
});
