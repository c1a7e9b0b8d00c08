import { describe, expect, it } from 'vitest';
import { emptySummary, summarize, type StageCurrencyTotal } from './summary.ts';

const P1 = '10000000-0000-4000-8000-000000000001';
const P2 = '10000000-0000-4000-8000-000000000002';
const S1 = '20000000-0000-4000-8000-000000000001';
const S2 = '20000000-0000-4000-8000-000000000002';

const row = (over: Partial<StageCurrencyTotal>): StageCurrencyTotal => ({
  pipelineId: P1,
  stageId: S1,
  currency: 'USD',
  dealCount: 1,
  amountMinor: 100n,
  updatedAt: new Date('2026-01-01T00:00:00.000Z'),
  ...over,
});

describe('summarize', () => {
  it('totals deals per stage and per pipeline, keeping currencies apart', () => {
    const [summary] = summarize(
      [P1],
      [
        row({ stageId: S2, currency: 'EUR', dealCount: 2, amountMinor: 500n, updatedAt: new Date('2026-01-03T00:00:00.000Z') }),
        row({ stageId: S1, currency: 'USD', dealCount: 3, amountMinor: 3000n }),
        row({ stageId: S2, currency: 'USD', dealCount: 1, amountMinor: 250n }),
      ],
    );
    expect(summary).toEqual({
      pipelineId: P1,
      dealCount: 6,
      stages: [
        { stageId: S1, dealCount: 3, amounts: [{ currency: 'USD', amountMinor: 3000n }] },
        {
          stageId: S2,
          dealCount: 3,
          amounts: [
            { currency: 'EUR', amountMinor: 500n },
            { currency: 'USD', amountMinor: 250n },
          ],
        },
      ],
      amounts: [
        { currency: 'EUR', amountMinor: 500n },
        { currency: 'USD', amountMinor: 3250n },
      ],
      updatedAt: new Date('2026-01-03T00:00:00.000Z'),
    });
  });

  it('answers in the order asked, with empty summaries for pipelines without deals', () => {
    const result = summarize([P2, P1], [row({ pipelineId: P1 })]);
    expect(result.map((s) => s.pipelineId)).toEqual([P2, P1]);
    expect(result[0]).toEqual(emptySummary(P2));
    expect(result[1]?.dealCount).toBe(1);
  });
});
