import { describe, expect, it } from 'vitest';
import type { DealModel } from '../../../__generated__/prisma/models.ts';
import { currentOf, FAR_PAST_CLOSE_DAYS, isStale, parseDate, staleExpectation, warningsOf } from './deal-rules.ts';

const NOW = new Date('2026-11-26T12:00:00.000Z');
const DAY = 86_400_000;

const deal: DealModel = {
  id: '7f1c1c1e-0000-4000-8000-000000000001',
  tenantId: '7f1c1c1e-0000-4000-8000-000000000002',
  pipelineId: '7f1c1c1e-0000-4000-8000-000000000003',
  stageId: '7f1c1c1e-0000-4000-8000-000000000004',
  name: 'Acme',
  amountMinor: 1050n,
  currency: 'USD',
  ownerId: null,
  accountId: null,
  version: 3,
  boardSequence: 42n,
  status: 'OPEN',
  closeReason: null,
  closedAt: null,
  expectedCloseDate: null,
  stageEnteredAt: new Date(NOW.getTime() - 5 * DAY),
  deletedAt: null,
  createdAt: NOW,
  updatedAt: NOW,
};

describe('isStale', () => {
  it('flags an open deal that outstayed the rotting period, and nothing else', () => {
    expect(isStale(deal, { rottingDays: 4 }, NOW)).toBe(true);
    expect(isStale(deal, { rottingDays: 5 }, NOW)).toBe(false);
    expect(isStale(deal, { rottingDays: null }, NOW)).toBe(false);
    expect(isStale({ ...deal, status: 'WON' }, { rottingDays: 1 }, NOW)).toBe(false);
  });
});

describe('warningsOf', () => {
  it('warns about an open deal expected to close long ago, not a recent or a closed one', () => {
    const longAgo = new Date(NOW.getTime() - (FAR_PAST_CLOSE_DAYS + 1) * DAY);
    expect(warningsOf({ status: 'OPEN', expectedCloseDate: longAgo }, NOW)).toEqual([
      `expectedCloseDate ${longAgo.toISOString().slice(0, 10)} is more than ${FAR_PAST_CLOSE_DAYS} days in the past for an open deal`,
    ]);
    expect(warningsOf({ status: 'OPEN', expectedCloseDate: new Date(NOW.getTime() - DAY) }, NOW)).toEqual([]);
    expect(warningsOf({ status: 'LOST', expectedCloseDate: longAgo }, NOW)).toEqual([]);
    expect(warningsOf({ status: 'OPEN', expectedCloseDate: null }, NOW)).toEqual([]);
  });
});

describe('staleExpectation', () => {
  it('holds when nothing or the right version and stage are expected', () => {
    expect(staleExpectation(deal, {})).toBeNull();
    expect(staleExpectation(deal, { version: 3, stageId: deal.stageId })).toBeNull();
  });

  it('explains a stale version or stage', () => {
    expect(staleExpectation(deal, { version: 2 })).toMatch(/version 3, expected 2/);
    expect(staleExpectation(deal, { stageId: 'elsewhere' })).toMatch(/no longer stands in the expected stage/);
  });
});

describe('currentOf', () => {
  it('shows the deal as a client sees it: decimal amount, date as YYYY-MM-DD', () => {
    expect(currentOf({ ...deal, expectedCloseDate: new Date('2027-01-31T00:00:00Z') })).toEqual({
      id: deal.id,
      version: 3,
      pipelineId: deal.pipelineId,
      stageId: deal.stageId,
      status: 'OPEN',
      name: 'Acme',
      amount: '10.50',
      currency: 'USD',
      ownerId: null,
      accountId: null,
      expectedCloseDate: '2027-01-31',
    });
  });
});

describe('parseDate', () => {
  it('takes real calendar dates only', () => {
    expect(parseDate('2028-02-29')).toEqual(new Date('2028-02-29T00:00:00.000Z'));
    for (const bad of ['2027-02-29', '2026-13-01', '26-01-01', '2026-01-01T00:00:00Z', '']) expect(parseDate(bad)).toBeNull();
  });
});
