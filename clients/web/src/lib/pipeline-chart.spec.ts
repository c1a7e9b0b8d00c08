import { describe, expect, it } from 'vitest';
import { chartNumber, currenciesOf, pipelineFigures, type SummaryStage } from './pipeline-chart.ts';

const stage = (id: string, position: number, probability: number, kind: string, dealCount: number, amounts: Array<[string, string]>): SummaryStage => ({
  dealCount,
  amounts: amounts.map(([currency, amount]) => ({ currency, amount })),
  stage: { id, name: id, position, probability, kind },
});

describe('pipelineFigures', () => {
  const stages = [
    stage('Won', 3, 100, 'WON', 1, [['USD', '5000.00']]),
    stage('Qualification', 0, 10, 'OPEN', 2, [['USD', '1000.00'], ['EUR', '300.00']]),
    stage('Proposal', 1, 50, 'OPEN', 1, [['USD', '2000.50']]),
    stage('Lost', 4, 0, 'LOST', 3, [['USD', '9000.00']]),
  ];

  it('orders stages as on the board and weights each by its probability', () => {
    const figures = pipelineFigures(stages, 'USD');
    expect(figures.rows.map((r) => [r.name, r.dealCount, r.value, r.weighted])).toEqual([
      ['Qualification', 2, '1000.00', '100.0000'],
      ['Proposal', 1, '2000.50', '1000.2500'],
      ['Won', 1, '5000.00', '5000.0000'],
      ['Lost', 3, '9000.00', '0.0000'],
    ]);
  });

  it('totals open deals only for the pipeline and its weighted value', () => {
    const figures = pipelineFigures(stages, 'USD');
    expect(figures.openDeals).toBe(3);
    expect(figures.openValue).toBe('3000.50');
    expect(figures.weightedValue).toBe('1100.2500');
    expect(figures.wonValue).toBe('5000.00');
  });

  it('counts a stage with no deals in the currency as zero', () => {
    expect(pipelineFigures(stages, 'EUR').rows.map((r) => r.value)).toEqual(['300.00', '0', '0', '0']);
  });
});

describe('currenciesOf', () => {
  it('puts the largest total first', () => {
    expect(currenciesOf([{ currency: 'EUR', amount: '10.00' }, { currency: 'USD', amount: '99.00' }])).toEqual(['USD', 'EUR']);
  });
});

describe('chartNumber', () => {
  it('reads decimals and falls back to zero', () => {
    expect(chartNumber('1250.50')).toBe(1250.5);
    expect(chartNumber('n/a')).toBe(0);
  });
});
