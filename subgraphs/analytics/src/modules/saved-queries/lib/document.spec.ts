import { describe, expect, it } from 'vitest';
import { checkDocument, checkName, declaresAfter, sha256Hex } from './document.ts';

const isUuid = (value: string) => /^[0-9a-f-]{36}$/i.test(value);

describe('checkDocument', () => {
  it('accepts one query with fragments and reports its name, hash and cursor variable', () => {
    const document = 'query Contacts($after: String) { contactsConnection(first: 100, after: $after) { edges { node { ...C } } } } fragment C on Contact { id }';
    expect(checkDocument(document)).toEqual({ document, sha256: sha256Hex(document), operationName: 'Contacts', paginates: true });
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('accepts an anonymous query without $after', () => {
    expect(checkDocument('{ pipelineSummary(pipelineId: "x") { dealCount } }')).toMatchObject({ operationName: null, paginates: false });
  });

  it.each([
    ['', 'must not be empty'],
    ['query {', 'does not parse'],
    ['mutation M { deleteContacts(ids: []) { id } }', 'must be a query, not a mutation'],
    ['subscription S { dealMoved { id } }', 'must be a query, not a subscription'],
    ['query A { a } query B { b }', 'exactly one operation (found 2)'],
    ['fragment F on Contact { id }', 'exactly one operation (found 0)'],
    ['query A { a } type T { id: ID }', 'only a query and its fragments'],
  ])('refuses %j', (document, reason) => {
    expect(() => checkDocument(document)).toThrow(reason);
    try {
      checkDocument(document);
    } catch (error) {
      expect((error as { extensions: Record<string, unknown> }).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.document' });
    }
  });

  it('refuses oversized documents', () => {
    expect(() => checkDocument(`{ a }${' '.repeat(100_001)}`)).toThrow('at most 100000 characters');
  });

  it('tells whether a stored document declares $after', () => {
    expect(declaresAfter('query($after: String) { a(after: $after) }')).toBe(true);
    expect(declaresAfter('{ a }')).toBe(false);
    expect(declaresAfter('not graphql {')).toBe(false);
  });
});

describe('checkName', () => {
  it('accepts URL-safe names', () => {
    expect(checkName('contacts-export_v2.daily', isUuid)).toBe('contacts-export_v2.daily');
  });

  it.each(['', '-leading', 'has space', 'slash/inside', 'x'.repeat(101), '0b1c9a4e-2a9a-4c39-9d63-2b8f7e1f1a11'])('refuses %j', (name) => {
    expect(() => checkName(name, isUuid)).toThrow(/name must/);
  });
});
