import { describe, expect, it } from 'vitest';
import { jsonDepth, MAX_FILTER_BYTES, nameKeyOf, viewColumns, viewFilter, viewName, viewOrderBy } from './view-shape.ts';

describe('saved view shape', () => {
  it('measures JSON depth', () => {
    expect(jsonDepth('x')).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth({ a: [{ b: 1 }] })).toBe(3);
  });

  it('takes a JSON object filter within size and depth, nothing else', () => {
    expect(viewFilter.parse({ search: 'ada', choice: 'CUSTOMER' })).toEqual({ search: 'ada', choice: 'CUSTOMER' });
    for (const bad of [[], 'x', null, 3, { big: 'x'.repeat(MAX_FILTER_BYTES) }, { a: { b: { c: { d: { e: { f: { g: { h: {} } } } } } } } }]) {
      expect(viewFilter.safeParse(bad).success).toBe(false);
    }
  });

  it('takes at most five { field, direction } order terms', () => {
    expect(viewOrderBy.parse([{ field: 'name' }, { field: 'createdAt', direction: 'DESC' }])).toHaveLength(2);
    expect(viewOrderBy.safeParse([{ field: 'name', direction: 'UP' }]).success).toBe(false);
    expect(viewOrderBy.safeParse([{ field: 'name', extra: 1 }]).success).toBe(false);
    expect(viewOrderBy.safeParse([{ field: 'drop table' }]).success).toBe(false);
    expect(viewOrderBy.safeParse({ field: 'name' }).success).toBe(false);
    expect(viewOrderBy.safeParse(Array.from({ length: 6 }, () => ({ field: 'name' }))).success).toBe(false);
  });

  it('takes distinct column keys', () => {
    expect(viewColumns.parse(['name', 'customFields.tier'])).toEqual(['name', 'customFields.tier']);
    expect(viewColumns.safeParse(['name', 'name']).success).toBe(false);
    expect(viewColumns.safeParse(['']).success).toBe(false);
    expect(viewColumns.safeParse(['a b']).success).toBe(false);
  });

  it('trims names and keys them case-insensitively', () => {
    expect(viewName.parse('  My customers ')).toBe('My customers');
    expect(viewName.safeParse('   ').success).toBe(false);
    expect(viewName.safeParse('x'.repeat(81)).success).toBe(false);
    expect(nameKeyOf(' My Customers ')).toBe('my customers');
  });
});
