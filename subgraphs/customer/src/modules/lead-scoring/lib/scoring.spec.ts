import { describe, expect, it } from 'vitest';
import { matches } from './conditions.ts';
import { scoreLead, scoringRulesSchema, type LeadScoringRules } from './scoring.ts';

const lead = { name: 'Ada', email: 'ada@acme.io', company: 'Acme Corp', source: 'Website', customFields: { country: 'DE', tags: ['x', 'y'] } };
const now = new Date('2026-06-30T00:00:00Z');

describe('lead conditions', () => {
  it('compares built-in and custom fields case-insensitively', () => {
    expect(matches(lead, { field: 'COMPANY', operator: 'CONTAINS', value: 'acme' })).toBe(true);
    expect(matches(lead, { field: 'CUSTOM_FIELD', customField: 'country', operator: 'EQUALS', value: 'de' })).toBe(true);
    expect(matches(lead, { field: 'CUSTOM_FIELD', customField: 'tags', operator: 'EQUALS', value: 'y' })).toBe(true);
    expect(matches(lead, { field: 'CUSTOM_FIELD', customField: 'region', operator: 'IS_SET' })).toBe(false);
    expect(matches(lead, { field: 'EMAIL', operator: 'NOT_FREE_MAIL' })).toBe(true);
    expect(matches({ ...lead, email: 'ada@gmail.com' }, { field: 'EMAIL', operator: 'NOT_FREE_MAIL' })).toBe(false);
  });
});

describe('scoreLead', () => {
  const rules: LeadScoringRules = {
    fieldRules: [
      { label: 'Business e-mail', field: 'EMAIL', operator: 'NOT_FREE_MAIL', points: 20 },
      { label: 'From the website', field: 'SOURCE', operator: 'EQUALS', value: 'website', points: 10 },
      { label: 'Competitor', field: 'COMPANY', operator: 'CONTAINS', value: 'rival', points: -50 },
    ],
    eventRules: [{ label: 'Calls', event: 'ACTIVITY_LOGGED', activityType: 'CALL', points: 40, halfLifeDays: 10 }],
  };

  it('adds matching field rules and decays event points by half-life', () => {
    const events = [
      { kind: 'ACTIVITY_LOGGED', activityType: 'CALL', occurredAt: now },
      { kind: 'ACTIVITY_LOGGED', activityType: 'CALL', occurredAt: new Date(now.getTime() - 10 * 86_400_000) },
      { kind: 'ACTIVITY_LOGGED', activityType: 'EMAIL', occurredAt: now },
    ];
    const result = scoreLead(rules, lead, events, now);
    expect(result.items).toEqual([
      { rule: 'Business e-mail (e-mail domain is not a free mailbox)', points: 20, count: 1 },
      { rule: 'From the website (source equals "website")', points: 10, count: 1 },
      { rule: 'Calls', points: 60, count: 2 },
    ]);
    expect(result.score).toBe(90);
  });

  it('clamps to 0-100', () => {
    expect(scoreLead(rules, { ...lead, company: 'Rival Inc', email: null, source: null }, [], now).score).toBe(0);
    const many = Array.from({ length: 5 }, () => ({ kind: 'ACTIVITY_LOGGED', activityType: 'CALL', occurredAt: now }));
    expect(scoreLead(rules, lead, many, now).score).toBe(100);
  });

  it('names the invalid part of a rule', () => {
    const parsed = scoringRulesSchema.safeParse({ fieldRules: [{ label: 'x', field: 'CUSTOM_FIELD', operator: 'EQUALS', value: 'a', points: 5 }], eventRules: [] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['fieldRules', 0, 'customField']);
  });
});
