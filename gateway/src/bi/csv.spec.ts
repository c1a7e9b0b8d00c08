import { describe, expect, it } from 'vitest';
import { cellText, csvField, csvLine, csvRows, valueAt } from './csv.ts';

describe('CSV writing (RFC 4180)', () => {
  it('quotes only fields with commas, quotes or line breaks, doubling quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField('')).toBe('');
    expect(csvLine(['id', 'name, full', 'x'])).toBe('id,"name, full",x\r\n');
  });

  it('writes nulls empty, scalars as text and lists or objects as JSON', () => {
    expect(cellText(null)).toBe('');
    expect(cellText(undefined)).toBe('');
    expect(cellText(0)).toBe('0');
    expect(cellText(false)).toBe('false');
    expect(cellText(['a', 'b'])).toBe('["a","b"]');
    expect(cellText({ a: 1 })).toBe('{"a":1}');
  });

  it('flattens nested objects by dotted column and leaves missing objects empty', () => {
    const row = { id: '1', owner: { name: 'Ann', team: { name: 'East' } }, account: null, tags: ['vip', 'x,y'] };
    expect(valueAt(row, 'owner.team.name')).toBe('East');
    expect(valueAt(row, 'account.name')).toBeUndefined();
    const columns = ['id', 'owner.name', 'owner.team.name', 'account.name', 'tags'];
    expect(csvRows([row, { id: '2', owner: null, account: { name: 'Acme "Inc"' }, tags: [] }], columns, false)).toBe(
      '1,Ann,East,,"[""vip"",""x,y""]"\r\n2,,,"Acme ""Inc""",[]\r\n',
    );
  });

  it('writes one cell per item for lists of scalars', () => {
    expect(csvRows(['a', null, 'b,c'], ['names'], true)).toBe('a\r\n\r\n"b,c"\r\n');
  });
});
