import { describe, expect, it } from 'vitest';
import type { DealModel } from '../../../__generated__/prisma/models.ts';
import { dealStageChanged, diffDeal } from './deal-events.ts';

const deal: DealModel = {
  id: '7f1c1c1e-0000-4000-8000-000000000001',
  tenantId: '7f1c1c1e-0000-4000-8000-000000000002',
  pipelineId: '7f1c1c1e-0000-4000-8000-000000000003',
  stageId: '7f1c1c1e-0000-4000-8000-000000000004',
  name: 'Acme',
  amountMinor: 1050n,
  currency: 'USD',
  ownerId: null,
  accountId: '7f1c1c1e-0000-4000-8000-000000000005',
  version: 3,
  boardSequence: 42n,
  status: 'OPEN',
  closeReason: null,
  closedAt: null,
  expectedCloseDate: null,
  stageEnteredAt: new Date('2026-11-01T00:00:00Z'),
  deletedAt: null,
  createdAt: new Date('2026-11-01T00:00:00Z'),
  updatedAt: new Date('2026-11-02T00:00:00Z'),
};

describe('diffDeal', () => {
  it('is empty when nothing changes', () => {
    expect(diffDeal(deal, { ...deal })).toEqual({});
  });

  it('lists changed fields with string values, amounts in minor units', () => {
    expect(diffDeal(deal, { ...deal, amountMinor: 2000n, ownerId: 'u1', accountId: null })).toEqual({
      amountMinor: { from: '1050', to: '2000' },
      ownerId: { from: null, to: 'u1' },
      accountId: { from: deal.accountId, to: null },
    });
  });
});

describe('dealStageChanged', () => {
  it('carries the move, the amount and the board sequence as strings', () => {
    const event = dealStageChanged(deal.tenantId, { userId: 'u1', kind: 'user' }, 'from-stage', deal);
    expect(event).toMatchObject({ type: 'sales.deal.stage_changed', tenantId: deal.tenantId, aggregateId: deal.id, actor: { userId: 'u1', kind: 'user' } });
    expect(event.payload).toEqual({
      dealId: deal.id,
      pipelineId: deal.pipelineId,
      fromStageId: 'from-stage',
      toStageId: deal.stageId,
      amountMinor: '1050',
      currency: 'USD',
      sequence: '42',
    });
  });
});
