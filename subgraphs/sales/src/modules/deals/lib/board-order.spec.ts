import { createEvent } from '@crm/events';
import { describe, expect, it } from 'vitest';
import { boardOrder } from './board-order.ts';

const actor = { userId: null, kind: 'system' as const };

describe('boardOrder', () => {
  it('gives every event of one board the same key, whatever the deal', () => {
    const moved = createEvent({ type: 'sales.deal.stage_changed', tenantId: 't1', aggregateId: 'deal-a', actor, payload: { pipelineId: 'p1' } });
    const won = createEvent({ type: 'sales.deal.won', tenantId: 't1', aggregateId: 'deal-b', actor, payload: { pipelineId: 'p1' } });
    expect(boardOrder(moved)).toBe(boardOrder(won));
  });

  it('keeps boards of different tenants and pipelines apart', () => {
    const key = (tenantId: string, pipelineId: string) => boardOrder(createEvent({ type: 'sales.deal.created', tenantId, aggregateId: 'd', actor, payload: { pipelineId } }));
    expect(new Set([key('t1', 'p1'), key('t1', 'p2'), key('t2', 'p1')]).size).toBe(3);
  });

  it('orders events without a pipeline per aggregate', () => {
    const activity = createEvent({ type: 'sales.activity.created', tenantId: 't1', aggregateId: 'activity-1', actor, payload: { dealId: 'd' } });
    expect(boardOrder(activity)).toBe('activity-1');
  });
});
