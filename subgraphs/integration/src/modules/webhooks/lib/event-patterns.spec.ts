import { describe, expect, it } from 'vitest';
import { isEventPattern, matchesAnyPattern, matchesEventPattern } from './event-patterns.ts';

describe('event patterns', () => {
  it.each(['*', 'sales.*', 'sales.deal.*', 'sales.deal.stage_changed', 'customer.account.created'])('accepts %s', (pattern) => {
    expect(isEventPattern(pattern)).toBe(true);
  });

  it.each(['', '**', 'Sales.deal.*', 'sales.', 'sales.deal.stage_changed.extra.more', 'sales.*.created', 'sales deal', '.*'])('rejects %s', (pattern) => {
    expect(isEventPattern(pattern)).toBe(false);
  });

  it('matches exact types, prefixes and everything', () => {
    expect(matchesEventPattern('*', 'sales.deal.created')).toBe(true);
    expect(matchesEventPattern('sales.*', 'sales.deal.created')).toBe(true);
    expect(matchesEventPattern('sales.deal.*', 'sales.deal.stage_changed')).toBe(true);
    expect(matchesEventPattern('sales.deal.*', 'sales.dealer.created')).toBe(false);
    expect(matchesEventPattern('sales.deal.created', 'sales.deal.created')).toBe(true);
    expect(matchesEventPattern('sales.deal.created', 'sales.deal.won')).toBe(false);
    expect(matchesAnyPattern(['customer.*', 'sales.deal.won'], 'sales.deal.won')).toBe(true);
    expect(matchesAnyPattern(['customer.*'], 'sales.deal.won')).toBe(false);
  });
});
