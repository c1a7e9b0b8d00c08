/** Custom field filters and ordering compiled to SQL: casts per type, bound values, known keys only. */
import { describe, expect, it } from 'vitest';
import { customFieldSpecs, type FieldDefinition } from './custom-fields.ts';
import { accountSpec, contactSpec, leadSpec } from './entities.ts';
import { compileFilter, groupKey, sortKeys, usesCustomFields, withCustomFields, withTenantCustomFields } from '@crm/db/list-query';
import { orderToSql, whereToSql } from './sql-where.ts';

const def = (key: string, type: FieldDefinition['type'], options: string[] = []): FieldDefinition => ({ key, label: key, type, required: false, options, referenceEntity: null });
const contacts = withCustomFields(
  contactSpec,
  customFieldSpecs([def('score', 'NUMBER'), def('budget', 'CURRENCY'), def('renewal', 'DATE'), def('nick', 'TEXT'), def('tier', 'SELECT', ['gold']), def('tags2', 'MULTI_SELECT', ['a', 'b']), def('vip', 'BOOLEAN')]),
);
const SPECS = { Account: accountSpec, Contact: contactSpec, Lead: leadSpec };

const sql = (filter: unknown) => {
  const where = compileFilter(contacts, filter);
  const compiled = whereToSql(contacts, 'Contact', 't', where, SPECS);
  return { text: compiled.text.replace(/\s+/g, ' '), values: compiled.values };
};

describe('custom field filters', () => {
  it('casts numbers, currency amounts, dates and booleans, and binds keys and values', () => {
    expect(sql({ customField: { key: 'score', gt: 5 } })).toEqual({ text: '(t."customFields" ->> $1::text)::numeric > $2::numeric', values: ['score', 5] });
    expect(sql({ customField: { key: 'budget', lte: '100' } })).toEqual({ text: `(t."customFields" -> $1::text ->> 'amountMinor')::numeric <= $2::numeric`, values: ['budget', 100] });
    expect(sql({ customField: { key: 'renewal', gte: '2027-01-01' } })).toEqual({ text: '(t."customFields" ->> $1::text)::date >= $2::date', values: ['renewal', '2027-01-01'] });
    expect(sql({ customField: { key: 'vip', neq: true } }).text).toBe('(((t."customFields" ->> $1::text)::boolean <> $2::boolean) OR ((t."customFields" ->> $3::text)::boolean IS NULL))');
  });

  it('uses JSON containment (served by the GIN index) for equality', () => {
    expect(sql({ customField: { key: 'tier', eq: 'gold' } })).toEqual({ text: 't."customFields" @> $1::jsonb', values: ['{"tier":"gold"}'] });
    expect(sql({ customField: { key: 'score', eq: 3 } }).values).toEqual(['{"score":3}']);
  });

  it('matches text case-insensitively with escaped patterns and lists with JSON array operators', () => {
    expect(sql({ customField: { key: 'nick', contains: '50%_off' } })).toEqual({ text: '(t."customFields" ->> $1::text) ILIKE $2', values: ['nick', '%50\\%\\_off%'] });
    expect(sql({ customField: { key: 'tags2', hasSome: ['a', 'b'] } })).toEqual({
      text: `jsonb_exists_any(coalesce((t."customFields" -> $1::text), '[]'), $2::text[])`,
      values: ['tags2', ['a', 'b']],
    });
    expect(sql({ customField: { key: 'score', in: [1, 2] } })).toEqual({ text: '(t."customFields" ->> $1::text)::numeric = ANY($2::numeric[])', values: ['score', [1, 2]] });
    expect(sql({ customField: { key: 'renewal', isNull: true } }).text).toBe('(t."customFields" ->> $1::text)::date IS NULL');
  });

  it('combines with built-in fields, and/or/not and relation filters', () => {
    const { text, values } = sql({ or: [{ lastName: { eq: 'Hopper' } }, { not: { customField: { key: 'score', lt: 1 } } }], account: { name: { startsWith: 'Ac' } } });
    expect(text).toBe(
      '(((t."lastName" = $1) OR (NOT ((t."customFields" ->> $2::text)::numeric < $3::numeric))) AND ' +
        'EXISTS (SELECT 1 FROM "AccountContact" l0 JOIN "Account" r0 ON r0.id = l0."accountId" WHERE l0."contactId" = t.id AND (r0."deletedAt" IS NULL AND r0."name" ILIKE $4)))',
    );
    expect(values).toEqual(['Hopper', 'score', 1, 'Ac%']);
  });

  it('rejects keys that are not live definitions before any SQL is built', () => {
    expect(() => compileFilter(contacts, { customField: { key: 'x"; DROP TABLE "Contact"; --', eq: 1 } })).toThrow(/no custom field/);
    expect(() => compileFilter(contactSpec, { customField: { key: 'score', eq: 1 } })).toThrow(/no custom field score/);
    expect(() => compileFilter(contacts, { customField: { key: 'score', startsWith: 'a' } })).toThrow(/unknown operator/);
    expect(() => compileFilter(contacts, { customField: { key: 'tier', eq: 'silver' } })).toThrow(/must be one of gold/);
  });

  it('orders by custom fields with empty values last and knows when SQL is needed', () => {
    const keys = sortKeys(contacts, [{ customField: 'budget', direction: 'DESC' }, { field: 'LAST_NAME' }]);
    expect(orderToSql(contacts, 't', keys, false).text).toBe(
      `(t."customFields" -> $1::text ->> 'amountMinor')::numeric DESC NULLS LAST, t."lastName" ASC NULLS LAST, t."id" DESC NULLS LAST`,
    );
    expect(usesCustomFields({}, keys)).toBe(true);
    expect(usesCustomFields(compileFilter(contacts, { lastName: { eq: 'x' } }), sortKeys(contacts, [{ field: 'LAST_NAME' }]))).toBe(false);
    expect(() => sortKeys(contacts, [{ customField: 'tags2' }])).toThrow(/multi-select/);
  });
});

describe('related records and groups', () => {
  const tenant = withTenantCustomFields(SPECS, {
    Account: customFieldSpecs([def('tier', 'SELECT', ['gold', 'silver']), def('arr', 'CURRENCY')]),
    Contact: customFieldSpecs([def('score', 'NUMBER'), def('tags2', 'MULTI_SELECT', ['a', 'b'])]),
  });

  it('filters on a related record’s custom fields, in either direction', () => {
    const where = compileFilter(tenant.Contact, { account: { customField: { key: 'tier', eq: 'gold' }, industry: { eq: 'Software' } } });
    const compiled = whereToSql(tenant.Contact, 'Contact', 't', where, tenant);
    expect(compiled.text.replace(/\s+/g, ' ')).toBe(
      'EXISTS (SELECT 1 FROM "AccountContact" l0 JOIN "Account" r0 ON r0.id = l0."accountId" WHERE l0."contactId" = t.id AND ' +
        '(r0."deletedAt" IS NULL AND r0."customFields" @> $1::jsonb AND r0."industry" = $2))',
    );
    expect(compiled.values).toEqual(['{"tier":"gold"}', 'Software']);
    expect(usesCustomFields(where)).toBe(true);
    const back = compileFilter(tenant.Account, { contact: { customField: { key: 'score', gte: 10 } } });
    expect(whereToSql(tenant.Account, 'Account', 't', back, tenant).text).toContain('(r0."customFields" ->> $1::text)::numeric >= $2::numeric');
    // the plain specs know no custom fields, and a related type's field is not the listed type's
    expect(() => compileFilter(contactSpec, { account: { customField: { key: 'tier', eq: 'gold' } } })).toThrow(/filter.account.customField.key: Account has no custom field tier/);
    expect(() => compileFilter(tenant.Contact, { customField: { key: 'tier', eq: 'gold' } })).toThrow(/Contact has no custom field tier/);
  });

  it('groups by a field or a custom field, exactly one of them', () => {
    expect(groupKey(tenant.Contact, { field: 'LIFECYCLE_STAGE' })).toEqual({ column: 'lifecycleStage' });
    expect(groupKey(tenant.Contact, { customField: 'tags2' })).toMatchObject({ column: 'cf:tags2', custom: { key: 'tags2', read: 'list' } });
    const bad = (args: object, field: string, message: RegExp) =>
      expect(() => groupKey(tenant.Account, args)).toThrow(expect.objectContaining({ message: expect.stringMatching(message), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) }));
    bad({}, 'field', /either field or customField/);
    bad({ field: 'INDUSTRY', customField: 'tier' }, 'customField', /either field or customField/);
    bad({ customField: 'nope' }, 'customField', /Account has no custom field nope/);
    bad({ customField: 'arr' }, 'customField', /currency field cannot be grouped/);
    bad({ field: 'NAME' }, 'field', /cannot be grouped by NAME/);
  });
});
