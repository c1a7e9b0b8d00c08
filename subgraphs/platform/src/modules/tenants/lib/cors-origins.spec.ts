import { describe, expect, it } from 'vitest';
import { originProblem, parseCorsOrigins } from './cors-origins.ts';
import { limitsOf, PLANS } from './plans.ts';

describe('CORS origins', () => {
  it('accepts https origins and http on loopback, normalised as browsers send them', () => {
    expect(parseCorsOrigins([' https://CRM.Example.com:443 ', 'https://crm.example.com', 'http://localhost:5173', 'https://a.example:8443/'])).toEqual([
      'https://crm.example.com',
      'http://localhost:5173',
      'https://a.example:8443',
    ]);
  });

  it.each([
    ['https://a.example/path', /origin/],
    ['https://a.example?x=1', /origin/],
    ['https://a.example#x', /origin/],
    ['http://a.example', /https/],
    ['ftp://a.example', /https/],
    ['https://*.example', /wildcard/],
    ['https://u:p@a.example', /credentials/],
    ['a.example', /URL/],
  ])('refuses %s', (value, problem) => {
    expect(originProblem(value)).toMatch(problem);
  });

  it('names the first bad entry and caps the list', () => {
    expect(() => parseCorsOrigins(['https://a.example', 'nope'])).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ field: 'origins.1' }) }));
    expect(() => parseCorsOrigins(Array.from({ length: 21 }, (_, i) => `https://o${i}.example`))).toThrow(/At most 20/);
  });
});

describe('plans', () => {
  it('gives every plan a cost budget and a request limit, larger plans more, unknown plans the smallest', () => {
    expect(PLANS.free.costBudgetPerMinute).toBeLessThan(PLANS.team.costBudgetPerMinute);
    expect(PLANS.business.costBudgetPerMinute).toBeLessThan(PLANS.enterprise.costBudgetPerMinute);
    expect(PLANS.free.requestsPerMinute).toBeLessThan(PLANS.team.requestsPerMinute);
    expect(PLANS.team.requestsPerMinute).toBeLessThan(PLANS.business.requestsPerMinute);
    expect(PLANS.business.requestsPerMinute).toBeLessThan(PLANS.enterprise.requestsPerMinute);
    expect(limitsOf('retired-plan')).toEqual(PLANS.free);
  });
});
