import { describe, expect, it } from 'vitest';
import { canSetQuotas, currencyProblem, minorUnitsOf, parseQuotaAmount, periodLabel, periodOf, quotaRows, shiftPeriod, targetArguments } from './quotas.ts';

describe('quota periods', () => {
  it('finds the month or quarter of a day and labels it', () => {
    const now = new Date(2026, 10, 26);
    expect(periodOf('QUARTER', now)).toEqual({ kind: 'QUARTER', year: 2026, index: 4 });
    expect(periodOf('MONTH', now)).toEqual({ kind: 'MONTH', year: 2026, index: 11 });
    expect(periodLabel({ kind: 'QUARTER', year: 2026, index: 4 })).toBe('Q4 2026');
    expect(periodLabel({ kind: 'MONTH', year: 2026, index: 11 }, 'en-US')).toBe('November 2026');
  });

  it('steps across year ends both ways', () => {
    expect(shiftPeriod({ kind: 'QUARTER', year: 2026, index: 4 }, 1)).toEqual({ kind: 'QUARTER', year: 2027, index: 1 });
    expect(shiftPeriod({ kind: 'QUARTER', year: 2026, index: 1 }, -1)).toEqual({ kind: 'QUARTER', year: 2025, index: 4 });
    expect(shiftPeriod({ kind: 'MONTH', year: 2026, index: 1 }, -13)).toEqual({ kind: 'MONTH', year: 2024, index: 12 });
  });
});

describe('quota amounts', () => {
  it('knows the minor units of a currency', () => {
    expect(minorUnitsOf('USD')).toBe(2);
    expect(minorUnitsOf('JPY')).toBe(0);
    expect(minorUnitsOf('BHD')).toBe(3);
    expect(minorUnitsOf('nope')).toBe(2);
  });

  it('takes decimal amounts within the currency’s minor units', () => {
    expect(parseQuotaAmount(' 48000.00 ', 'USD')).toEqual({ amount: '48000.00' });
    expect(parseQuotaAmount('48,000.5', 'usd')).toEqual({ amount: '48000.5' });
    expect(parseQuotaAmount('1250000', 'JPY')).toEqual({ amount: '1250000' });
    expect(parseQuotaAmount('12.500', 'JPY')).toEqual({ problem: 'JPY amounts are whole numbers.' });
    expect(parseQuotaAmount('12.345', 'USD')).toEqual({ problem: 'USD amounts have at most 2 decimals.' });
    expect(parseQuotaAmount('12.345', 'BHD')).toEqual({ amount: '12.345' });
    expect(parseQuotaAmount('', 'USD')).toEqual({ problem: 'Enter an amount.' });
    expect(parseQuotaAmount('-5', 'USD')).toEqual({ problem: 'A quota cannot be negative.' });
    expect(parseQuotaAmount('1e6', 'USD')).toEqual({ problem: 'Enter the amount as a number such as 48000.00.' });
  });

  it('asks for a three-letter currency code', () => {
    expect(currencyProblem('usd')).toBeNull();
    expect(currencyProblem('US')).toMatch(/three-letter/);
  });
});

describe('quota rows', () => {
  it('lists teams first, then people, by name, and names the target for setQuota', () => {
    const rows = quotaRows(
      [
        { id: 'q1', owner: { id: 'u2', name: 'Zoe' }, amount: '10.00', currency: 'USD', updatedAt: 't' },
        { id: 'q2', teamId: 't1', amount: '100.00', currency: 'USD', updatedAt: 't' },
        { id: 'q3', owner: { id: 'u1', name: 'Ada' }, amount: '20.00', currency: 'USD', updatedAt: 't' },
        { id: 'q4', teamId: 'gone', amount: '5.00', currency: 'EUR', updatedAt: 't' },
      ],
      [{ id: 't1', name: 'Field sales' }],
    );
    expect(rows.map((r) => [r.name, r.target])).toEqual([
      ['Field sales', 'team:t1'],
      ['Unknown team', 'team:gone'],
      ['Ada', 'user:u1'],
      ['Zoe', 'user:u2'],
    ]);
    expect(targetArguments('user:u1')).toEqual({ ownerId: 'u1', teamId: null });
    expect(targetArguments('team:t1')).toEqual({ ownerId: null, teamId: 't1' });
  });

  it('is for managers and admins', () => {
    expect(['SALES_MANAGER', 'TENANT_ADMIN', 'SYSTEM_ADMIN', 'SALES_REP', undefined].map(canSetQuotas)).toEqual([true, true, true, false, false]);
  });
});
