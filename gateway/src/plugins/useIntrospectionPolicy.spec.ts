import { describe, expect, it } from 'vitest';
import { parse } from '../graphql.ts';
import { introspects } from './useIntrospectionPolicy.ts';

describe('introspects', () => {
  it('finds __schema and __type anywhere, including fragments', () => {
    expect(introspects(parse('{ __schema { types { name } } }'))).toBe(true);
    expect(introspects(parse('{ me { id } ... on Query { __type(name: "X") { name } } }'))).toBe(true);
    expect(introspects(parse('{ ...F } fragment F on Query { __schema { queryType { name } } }'))).toBe(true);
  });

  it('lets __typename and ordinary fields through', () => {
    expect(introspects(parse('{ __typename me { __typename id } }'))).toBe(false);
  });
});
