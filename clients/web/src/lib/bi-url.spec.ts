import { describe, expect, it } from 'vitest';
import { biQueryUrl } from './bi-url.ts';

describe('biQueryUrl', () => {
  it('sits beside the GraphQL endpoint', () => {
    expect(biQueryUrl('https://crm.example/graphql', 'deals.by-stage')).toBe('https://crm.example/bi/queries/deals.by-stage');
    expect(biQueryUrl('https://api.example/v1/graphql', 'open deals', 'csv')).toBe('https://api.example/v1/bi/queries/open%20deals?format=csv');
  });
});
