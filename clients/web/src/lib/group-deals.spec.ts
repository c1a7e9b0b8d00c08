import { describe, expect, it } from 'vitest';
import { groupDealsByStage, nextStage } from './group-deals.ts';

const stages = [
  { id: 'won', name: 'Won', position: 3, probability: 100 },
  { id: 'lead', name: 'Lead', position: 1, probability: 10 },
  { id: 'proposal', name: 'Proposal', position: 2, probability: 50 },
];

function deal(id: string, stageId: string, amount: string, currency = 'USD') {
  return { id, name: `Deal ${id}`, amount, currency, stage: { id: stageId } };
}

describe('groupDealsByStage', () => {
  it('makes one column per stage in position order, empty stages included', () => {
    const columns = groupDealsByStage(stages, [deal('a', 'proposal', '10.00')]);

    expect(columns.map((c) => c.stage.id)).toEqual(['lead', 'proposal', 'won']);
    expect(columns.map((c) => c.deals.map((d) => d.id))).toEqual([[], ['a'], []]);
    expect(columns[0]?.totals).toEqual([]);
  });

  it('keeps the given order of deals inside a column and sums amounts per currency', () => {
    const columns = groupDealsByStage(stages, [
      deal('b', 'lead', '1200.50'),
      deal('c', 'lead', '99.5', 'EUR'),
      deal('a', 'lead', '0.25'),
      deal('d', 'won', '5000'),
    ]);

    const lead = columns[0]!;
    expect(lead.deals.map((d) => d.id)).toEqual(['b', 'c', 'a']);
    expect(lead.totals).toEqual([
      { currency: 'EUR', amount: '99.5' },
      { currency: 'USD', amount: '1200.75' },
    ]);
    expect(columns[2]?.totals).toEqual([{ currency: 'USD', amount: '5000' }]);
  });

  it('weights each column’s totals by its stage probability', () => {
    const columns = groupDealsByStage(stages, [deal('a', 'lead', '1000'), deal('b', 'proposal', '300.50'), deal('c', 'won', '7')]);

    expect(columns.map((c) => c.weighted)).toEqual([
      [{ currency: 'USD', amount: '100.00' }],
      [{ currency: 'USD', amount: '150.2500' }],
      [{ currency: 'USD', amount: '7.00' }],
    ]);
  });

  it('leaves out deals whose stage is not in the pipeline', () => {
    const columns = groupDealsByStage(stages, [deal('x', 'elsewhere', '1'), deal('y', 'won', '2')]);

    expect(columns.flatMap((c) => c.deals.map((d) => d.id))).toEqual(['y']);
  });
});

describe('nextStage', () => {
  it('follows position order, not list order', () => {
    expect(nextStage(stages, 'lead')?.id).toBe('proposal');
    expect(nextStage(stages, 'proposal')?.id).toBe('won');
  });

  it('is null on the last stage and for an unknown stage', () => {
    expect(nextStage(stages, 'won')).toBeNull();
    expect(nextStage(stages, 'nope')).toBeNull();
  });
});
