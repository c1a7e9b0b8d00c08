import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@crm/events';
import { readBoardEvent } from './board-event.ts';

const envelope = (type: string, payload: Record<string, unknown>): EventEnvelope => ({
  id: randomUUID(),
  type,
  version: 1,
  tenantId: 't1',
  actor: { userId: null, kind: 'system' },
  aggregateId: 'd1',
  occurredAt: '2026-11-26T10:00:00.000Z',
  payload,
});

describe('readBoardEvent', () => {
  it('reads a created deal as DEAL_CREATED into its stage', () => {
    const reading = readBoardEvent(envelope('sales.deal.created', { dealId: 'd1', pipelineId: 'p1', stageId: 's1', sequence: '4' }));
    expect(reading).toMatchObject({ kind: 'change', change: { type: 'DEAL_CREATED', tenantId: 't1', dealId: 'd1', pipelineId: 'p1', fromStageId: null, toStageId: 's1', sequence: '4' } });
  });

  it('reads a stage change as DEAL_MOVED with both stages', () => {
    const reading = readBoardEvent(envelope('sales.deal.stage_changed', { dealId: 'd1', pipelineId: 'p1', fromStageId: 's1', toStageId: 's2', sequence: 5 }));
    expect(reading).toMatchObject({ kind: 'change', change: { type: 'DEAL_MOVED', fromStageId: 's1', toStageId: 's2', sequence: '5' } });
  });

  it('reads an update as DEAL_UPDATED in its current stage', () => {
    const reading = readBoardEvent(envelope('sales.deal.updated', { dealId: 'd1', pipelineId: 'p1', stageId: 's2', sequence: '6', changed: {} }));
    expect(reading).toMatchObject({ kind: 'change', change: { type: 'DEAL_UPDATED', fromStageId: null, toStageId: 's2' } });
  });

  it('reads won, lost and reopened with the stage the deal stands in afterwards', () => {
    const won = readBoardEvent(envelope('sales.deal.won', { dealId: 'd1', pipelineId: 'p1', stageId: 'won', fromStageId: 's2', toStageId: 'won', amountMinor: '100', currency: 'EUR', sequence: '7' }));
    expect(won).toMatchObject({ kind: 'change', change: { type: 'DEAL_WON', fromStageId: 's2', toStageId: 'won', sequence: '7' } });
    const lost = readBoardEvent(envelope('sales.deal.lost', { dealId: 'd1', pipelineId: 'p1', stageId: 'lost', amountMinor: '100', currency: 'EUR', sequence: '8', reason: 'price' }));
    expect(lost).toMatchObject({ kind: 'change', change: { type: 'DEAL_LOST', fromStageId: null, toStageId: 'lost' } });
    const reopened = readBoardEvent(envelope('sales.deal.reopened', { dealId: 'd1', pipelineId: 'p1', stageId: 's1', fromStageId: 'lost', toStageId: 's1', sequence: '9' }));
    expect(reopened).toMatchObject({ kind: 'change', change: { type: 'DEAL_REOPENED', fromStageId: 'lost', toStageId: 's1' } });
  });

  it('reads a deletion as DEAL_DELETED out of the stage it stood in', () => {
    const deleted = readBoardEvent(envelope('sales.deal.deleted', { dealId: 'd1', pipelineId: 'p1', stageId: 's3', amountMinor: '100', currency: 'EUR', sequence: '10' }));
    expect(deleted).toMatchObject({ kind: 'change', change: { type: 'DEAL_DELETED', fromStageId: 's3', toStageId: null, sequence: '10' } });
    expect(readBoardEvent(envelope('sales.deal.deleted', { dealId: 'd1', pipelineId: 'p1', sequence: '10' })).kind).toBe('malformed');
    expect(readBoardEvent(envelope('sales.deal.won', { dealId: 'd1', pipelineId: 'p1', sequence: '10' })).kind).toBe('malformed');
  });

  it('ignores other events and flags malformed payloads', () => {
    expect(readBoardEvent(envelope('sales.pipeline.created', { pipelineId: 'p1' }))).toEqual({ kind: 'ignored' });
    expect(readBoardEvent(envelope('sales.deal.created', { dealId: 'd1', stageId: 's1', sequence: '1' })).kind).toBe('malformed');
    expect(readBoardEvent(envelope('sales.deal.created', { dealId: 'd1', pipelineId: 'p1', sequence: 'one' })).kind).toBe('malformed');
    expect(readBoardEvent(envelope('sales.deal.stage_changed', { dealId: 'd1', pipelineId: 'p1', toStageId: 's2', sequence: '1' })).kind).toBe('malformed');
  });
});
