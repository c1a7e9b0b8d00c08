import { describe, expect, it } from 'vitest';
import { compileFilter, encodeCursor, planPage, sortKeys, type EntitySpec } from './list-query.ts';

const spec: EntitySpec = {
  name: 'Thing',
  fields: {
    id: { column: 'id', kind: 'id', nullable: false },
    size: { column: 'size', kind: 'bigint', nullable: false },
    due: { column: 'due', kind: 'calendarDate', nullable: true },
    createdAt: { column: 'createdAt', kind: 'dateTime', nullable: false },
  },
  relations: {},
  sortFields: { SIZE: 'size', DUE: 'due', CREATED_AT: 'createdAt' },
  groupFields: {},
  live: {},
  computed: { big: (value) => [value === true ? { size: { gt: 1000n } } : { size: { lte: 1000n } }] },
};

const badInputOn = (field: string) => expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) });

describe('list DSL kinds', () => {
  it('compiles 64-bit integers, calendar dates, computed fields and isNull on fields that are never empty', () => {
    expect(compileFilter(spec, { size: { gte: '9007199254740993' }, due: { lt: '2026-12-31' }, big: true, createdAt: { isNull: false } })).toEqual({
      AND: [{ size: { gte: 9_007_199_254_740_993n } }, { due: { lt: new Date('2026-12-31T00:00:00.000Z') } }, { size: { gt: 1000n } }, {}],
    });
    expect(compileFilter(spec, { createdAt: { isNull: true } })).toEqual({ createdAt: { in: [] } });
    expect(() => compileFilter(spec, { size: { eq: '1.5' } })).toThrowError(badInputOn('filter.size.eq'));
    expect(() => compileFilter(spec, { due: { eq: '2026-13-01' } })).toThrowError(badInputOn('filter.due.eq'));
  });

  it('round-trips 64-bit integers and dates through cursors', () => {
    const keys = sortKeys(spec, [{ field: 'SIZE' }, { field: 'DUE', direction: 'DESC' }]);
    const id = '00000000-0000-4000-8000-000000000001';
    const cursor = encodeCursor(keys, { size: 2n ** 62n, due: new Date('2026-12-31T00:00:00.000Z'), id });
    const plan = planPage(keys, { first: 5, after: cursor });
    expect(plan.where).toEqual([
      {
        OR: [
          { size: { gt: 2n ** 62n } },
          { AND: [{ size: 2n ** 62n }, { OR: [{ due: { lt: new Date('2026-12-31T00:00:00.000Z') } }, { AND: [{ due: new Date('2026-12-31T00:00:00.000Z') }, { id: { gt: id } }] }, { due: null }] }] },
        ],
      },
    ]);
  });
});
