import { describe, expect, it } from 'vitest';
import { buildSchema, parse, specifiedRules, validate, Kind, type FragmentDefinitionNode, type OperationDefinitionNode } from '../graphql.ts';
import { expandedFieldCount, maxFieldsRule, maxRootFieldsRule, pageSizes, rootFieldCount, useOperationLimits } from './useOperationLimits.ts';

const schema = buildSchema('type Query { a: Int b: Int c(first: Int, last: Int): [Item!]! } type Item { id: ID! children(first: Int): [Item!]! }');

describe('rootFieldCount', () => {
  it('expands fragments and inline fragments, each fragment once', () => {
    const document = parse('{ a ...F ... on Query { b } } fragment F on Query { a b ...F }');
    const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
    expect(rootFieldCount((document.definitions[0] as OperationDefinitionNode).selectionSet, fragments)).toBe(4);
  });

  it('is enforced as a validation rule', () => {
    const errors = validate(schema, parse('{ a b x: a }'), [maxRootFieldsRule(2)]);
    expect(errors.map((e) => e.message)).toEqual(['Operation selects 3 root fields; at most 2 are allowed']);
    expect(validate(schema, parse('{ a b }'), [maxRootFieldsRule(2)])).toEqual([]);
  });
});

describe('expandedFieldCount', () => {
  it('counts fields with fragments expanded, once per fragment computation', () => {
    let query = '{ ...F50 } fragment F0 on Query { a b }';
    for (let i = 1; i <= 50; i++) query += ` fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`;
    const document = parse(query);
    const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
    expect(expandedFieldCount((document.definitions[0] as OperationDefinitionNode).selectionSet, fragments)).toBe(2 ** 51);
    expect(validate(schema, document, [maxFieldsRule(2000)])[0]?.message).toMatch(/more than a billion fields/);
    expect(validate(schema, parse('{ a c { id children { id } } }'), [maxFieldsRule(5)])).toEqual([]);
  });
});

describe('pageSizes', () => {
  it('finds literal and variable page sizes, defaults included, inside fragments', () => {
    const document = parse('query($n: Int, $m: Int = 7) { c(first: 3, last: $n) { children(first: $m) { id } ...F } } fragment F on Item { children(first: 9) { id } }');
    expect(pageSizes(document, { n: 600 }, new Set(['first', 'last']))).toEqual([
      { argument: 'first', value: 3 },
      { argument: 'last', value: 600 },
      { argument: 'first', value: 7 },
      { argument: 'first', value: 9 },
    ]);
  });
});

describe('useOperationLimits', () => {
  const limits = useOperationLimits({ maxDepth: 3, maxAliases: 1, maxTokens: 50 });
  const check = (query: string) => validate(schema, parse(query, limits.parseOptions), [...specifiedRules, ...limits.validationRules]);

  it('refuses deep documents, also through fragments', () => {
    // leaves count as a level
    expect(check('{ c { children { id } } }')).toEqual([]);
    expect(check('{ c { children { children { id } } } }')[0]?.message).toMatch(/depth limit of 3 exceeded, found 4/);
    expect(check('{ c { ...F } } fragment F on Item { children { children { id } } }')).toHaveLength(1);
    // 2025 bypasses: a fragment named like the introspection field, and a cached fragment depth reused deeper
    expect(check('{ c { ...__schema } } fragment __schema on Item { children { children { id } } }')).toHaveLength(1);
    expect(check('{ c { ...F children { ...F } } } fragment F on Item { id }')).toEqual([]);
    expect(check('{ c { ...F children { children { ...F } } } } fragment F on Item { children { id } }')).toHaveLength(1);
  });

  it('refuses too many aliases', () => {
    expect(check('{ x: a y: b }')[0]?.message).toMatch(/aliases/i);
  });

  it('stops parsing at the token limit', () => {
    expect(() => parse(`{ ${'a '.repeat(60)} }`, limits.parseOptions)).toThrow(/tokens/);
  });
});
