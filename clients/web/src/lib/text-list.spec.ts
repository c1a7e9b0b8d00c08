import { describe, expect, it } from 'vitest';
import { splitList, splitOptions } from './text-list.ts';

describe('splitList', () => {
  it('splits on commas, spaces and lines and drops repeats', () => {
    expect(splitList(' sales.deal.*, customer.contact.created\nsales.deal.* ;* ')).toEqual(['sales.deal.*', 'customer.contact.created', '*']);
    expect(splitList('')).toEqual([]);
    expect(splitList(null)).toEqual([]);
  });
});

describe('splitOptions', () => {
  it('keeps spaces inside an option', () => {
    expect(splitOptions('Key account, Small business,\nKey account')).toEqual(['Key account', 'Small business']);
  });
});
