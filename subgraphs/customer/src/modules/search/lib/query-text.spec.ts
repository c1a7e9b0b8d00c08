import { describe, expect, it } from 'vitest';
import { highlights, MAX_QUERY_LENGTH, parseSearchText } from './query-text.ts';
import { MAX_CANDIDATES, searchSql, searchOptions, type SearchRecords } from '../services/search.ts';
import { recordJson, type RuntimeDataModel } from './record-json.ts';

const badInputOn = (field: string) => expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) });

describe('parseSearchText', () => {
  it('splits words for prefix matching, lowercased, unique, safe for to_tsquery', () => {
    expect(parseSearchText('  Jane O’Brien jane@acme.io ')).toEqual({
      text: 'Jane O’Brien jane@acme.io',
      words: ['jane', 'o', 'brien', 'acme', 'io'],
      prefixQuery: 'jane:* & o:* & brien:* & acme:* & io:*',
      fuzzy: 'jane o brien acme io',
    });
    expect(parseSearchText("x:* | !y & 'z'").prefixQuery).toBe('x:* & y:* & z:*');
    expect(parseSearchText('Zoë Müller').words).toEqual(['zoë', 'müller']);
  });

  it('refuses empty, overlong and wordless queries', () => {
    expect(() => parseSearchText(' \t ')).toThrow(badInputOn('query'));
    expect(() => parseSearchText('a'.repeat(MAX_QUERY_LENGTH + 1))).toThrow(badInputOn('query'));
    expect(() => parseSearchText('"-" ?')).toThrow(badInputOn('query'));
    expect(parseSearchText('a'.repeat(MAX_QUERY_LENGTH)).words).toHaveLength(1);
  });
});

describe('highlights', () => {
  it('marks the words starting with a query word, by the longest such word', () => {
    const text = 'Katherine Johnson-Goble';
    const ranges = highlights(text, ['kath', 'katherine', 'gob']);
    expect(ranges).toEqual([
      { start: 0, length: 9 },
      { start: 18, length: 3 },
    ]);
    expect(highlights('jane@acme.io', ['acme'])).toEqual([{ start: 5, length: 4 }]);
    expect(highlights('Dorothy', ['dorthy'])).toEqual([]);
  });
});

const dataModel: RuntimeDataModel = {
  models: {
    Contact: { fields: [{ name: 'id', kind: 'scalar', type: 'String' }, { name: 'createdAt', kind: 'scalar', type: 'DateTime' }, { name: 'accounts', kind: 'object', type: 'AccountContact' }] },
    Account: { fields: [{ name: 'id', kind: 'scalar', type: 'String' }, { name: 'revenueMinor', kind: 'scalar', type: 'BigInt' }, { name: 'customFields', kind: 'scalar', type: 'Json' }] },
    Lead: { fields: [{ name: 'id', kind: 'scalar', type: 'String' }, { name: 'status', kind: 'enum', type: 'LeadStatus' }, { name: 'tags', kind: 'scalar', type: 'String' }] },
  },
};
const records: SearchRecords = { CONTACT: recordJson(dataModel, 'Contact'), ACCOUNT: recordJson(dataModel, 'Account'), LEAD: recordJson(dataModel, 'Lead') };

describe('record JSON', () => {
  it('selects the scalar fields and reads them back as Prisma returns them', () => {
    expect(records.ACCOUNT.sql('r.rec')).toBe(`(jsonb_build_object('id', (r.rec)."id", 'revenueMinor', (r.rec)."revenueMinor"::text, 'customFields', (r.rec)."customFields"))::text`);
    expect(records.CONTACT.sql('t')).toContain(`'createdAt', (extract(epoch from (t)."createdAt") * 1000)`);
    expect(records.CONTACT.sql('t')).not.toContain('accounts');
    expect(records.CONTACT.decode('{"id":"c1","createdAt":1764179100123.000}')).toEqual({ id: 'c1', createdAt: new Date(1764179100123) });
    expect(records.ACCOUNT.decode('{"id":"a1","revenueMinor":"9007199254740993","customFields":{"tier":[1,"x"]}}')).toEqual({
      id: 'a1',
      revenueMinor: 9007199254740993n,
      customFields: { tier: [1, 'x'] },
    });
    expect(records.LEAD.decode('{"id":"l1","status":null,"tags":["a","b"]}')).toEqual({ id: 'l1', status: null, tags: ['a', 'b'] });
  });
});

describe('search statement', () => {
  const scopes = { CONTACT: { ownerId: { in: ['4f1c1c7e-3c38-4e3c-9d53-3c4b7a1f2f10'] } }, ACCOUNT: {}, LEAD: { ownerId: { in: [] } } };

  it('is one statement over the requested types, scoped, with trigram matching only where available', () => {
    const statement = searchSql(parseSearchText('jane doe'), ['CONTACT', 'ACCOUNT', 'LEAD'], 20, scopes, true, records);
    const fuzzy = statement.text.replace(/\s+/g, ' ');
    // per type: word and prefix matches, then similar names only when no type matched by words
    expect(fuzzy.match(/ AS \(SELECT type, id, score, f0, f1, f2, \(jsonb_build_object\(/g)).toHaveLength(6);
    const none = 'NOT EXISTS (SELECT 1 FROM contact_words UNION ALL SELECT 1 FROM account_words UNION ALL SELECT 1 FROM lead_words)';
    expect(fuzzy.split(none)).toHaveLength(4);
    expect(fuzzy).toContain('SELECT * FROM contact_words UNION ALL SELECT * FROM account_words UNION ALL SELECT * FROM lead_words UNION ALL SELECT * FROM contact_similar');
    expect(fuzzy).toContain('t."ownerId" IN ($');
    expect(fuzzy).toContain('AND FALSE AND');
    expect(fuzzy).toContain(`<% lower(t."firstName" || ' ' || t."lastName")`);
    // no COALESCE in a condition: under row-level security it would keep the planner off the index
    expect(fuzzy).toContain(`<% lower(t."company")`);
    expect(fuzzy).not.toMatch(/coalesce/i);
    // each type ranks at most MAX_CANDIDATES matches
    expect(statement.values.filter((value) => value === MAX_CANDIDATES)).toHaveLength(6);
    const exact = searchSql(parseSearchText('jane doe'), ['ACCOUNT'], 5, scopes, false, records);
    expect(exact.text).not.toContain('<%');
    expect(exact.text).not.toContain('UNION');
    expect(exact.values).toContain(5);
  });

  it('validates types and first', () => {
    expect(searchOptions(null, null)).toEqual({ types: ['CONTACT', 'ACCOUNT', 'LEAD'], first: 20 });
    expect(searchOptions(['LEAD', 'CONTACT'], 50)).toEqual({ types: ['CONTACT', 'LEAD'], first: 50 });
    expect(() => searchOptions([], 10)).toThrow(badInputOn('types'));
    expect(() => searchOptions(null, 51)).toThrow(badInputOn('first'));
    expect(() => searchOptions(null, 0)).toThrow(badInputOn('first'));
  });
});
