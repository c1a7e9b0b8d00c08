import { describe, expect, it } from 'vitest';
import { compileFilter, encodeCursor, planPage, sortKeys } from '@crm/db/list-query';
import { amountConditions, dealListSpec, staleWhere } from './deal-list.ts';

const badInputOn = (field: string) => expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) });
const now = new Date('2026-11-26T12:00:00.000Z');
const spec = dealListSpec([{ id: '00000000-0000-4000-8000-00000000000a', rottingDays: 10 }], now);

describe('deal filters', () => {
  it('compiles fields, nesting, calendar dates and stale', () => {
    const where = compileFilter(spec, {
      name: { contains: 'Acme' },
      status: { in: ['OPEN', 'WON'] },
      expectedCloseDate: { gte: '2026-12-01' },
      or: [{ ownerId: { isNull: true } }, { not: { stale: true } }],
    });
    expect(where).toEqual({
      AND: [
        { name: { contains: 'Acme', mode: 'insensitive' } },
        { status: { in: ['OPEN', 'WON'] } },
        { expectedCloseDate: { gte: new Date('2026-12-01T00:00:00.000Z') } },
        {
          OR: [
            { ownerId: null },
            { NOT: staleWhere([{ id: '00000000-0000-4000-8000-00000000000a', rottingDays: 10 }], now) },
          ],
        },
      ],
    });
    expect(staleWhere([], now)).toEqual({ id: { in: [] } });
  });

  it('compares amounts exactly in each currency', () => {
    const [gte] = amountConditions({ gte: '1000.5' }, 'filter.amount');
    const groups = (gte as { OR: { currency: { in: string[] }; amountMinor?: unknown }[] }).OR;
    const of = (code: string) => groups.find((group) => group.currency.in.includes(code))?.amountMinor;
    expect(of('USD')).toEqual({ gte: 100050n });
    expect(of('JPY')).toEqual({ gte: 1001n });
    expect(of('KWD')).toEqual({ gte: 1000500n });
    const [eq] = amountConditions({ eq: '10.5' }, 'filter.amount');
    const eqGroups = (eq as { OR: { currency: { in: string[] } }[] }).OR;
    expect(eqGroups.some((group) => group.currency.in.includes('JPY'))).toBe(false);
    expect(amountConditions({ lt: '0.5' }, 'a')).toEqual(expect.arrayContaining([expect.objectContaining({ OR: expect.arrayContaining([{ currency: expect.anything(), amountMinor: { lt: 1n } }]) })]));
  });

  it.each([
    [{ amount: { gte: 'ten' } }, 'filter.amount.gte'],
    [{ amount: { near: '1' } }, 'filter.amount.near'],
    [{ stale: 'yes' }, 'filter.stale'],
    [{ expectedCloseDate: { eq: '2026-02-30' } }, 'filter.expectedCloseDate.eq'],
    [{ and: [{ stageId: { eq: 'nope' } }] }, 'filter.and.0.stageId.eq'],
    [{ amountMinor2: { eq: 1 } }, 'filter.amountMinor2'],
  ])('rejects %o naming %s', (filter, field) => {
    expect(() => compileFilter(spec, filter)).toThrowError(badInputOn(field));
  });
});

describe('deal ordering and cursors', () => {
  it('pages by amount (a 64-bit integer) and calendar dates with stable cursors', () => {
    const keys = sortKeys(spec, [{ field: 'AMOUNT', direction: 'DESC' }, { field: 'EXPECTED_CLOSE_DATE' }]);
    expect(keys.map((key) => key.column)).toEqual(['amountMinor', 'expectedCloseDate', 'id']);
    const id = '00000000-0000-4000-8000-000000000001';
    const cursor = encodeCursor(keys, { amountMinor: 9_007_199_254_740_993n, expectedCloseDate: new Date('2026-12-31T00:00:00.000Z'), id });
    const plan = planPage(keys, { first: 10, after: cursor });
    expect(JSON.stringify(plan.where, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value))).toContain('"9007199254740993n"');
    expect(() => planPage(keys, { first: 101 })).toThrowError(badInputOn('first'));
    expect(() => planPage(sortKeys(spec, null), { after: cursor })).toThrowError(badInputOn('after'));
  });
});
