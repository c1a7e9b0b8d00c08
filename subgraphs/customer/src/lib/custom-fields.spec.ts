import { describe, expect, it } from 'vitest';
import { applyCustomFields, checkDefinitionShape, CUSTOM_FIELD_KEY, customFieldSpecs, valueObjects, type FieldDefinition } from './custom-fields.ts';

const def = (key: string, type: FieldDefinition['type'], extra: Partial<FieldDefinition> = {}): FieldDefinition => ({
  key,
  label: key.toUpperCase(),
  type,
  required: false,
  options: [],
  referenceEntity: null,
  ...extra,
});

const DEFS = [
  def('note', 'TEXT'),
  def('score', 'NUMBER'),
  def('budget', 'CURRENCY'),
  def('renewal', 'DATE'),
  def('vip', 'BOOLEAN'),
  def('tier', 'SELECT', { options: ['gold', 'silver'] }),
  def('channels', 'MULTI_SELECT', { options: ['email', 'sms'] }),
  def('site', 'URL'),
  def('billing', 'EMAIL'),
  def('owner_contact', 'REFERENCE', { referenceEntity: 'CONTACT' }),
  def('region', 'TEXT', { required: true }),
];

function failure(fn: () => unknown): { message: string; extensions: Record<string, unknown> } {
  try {
    fn();
  } catch (error) {
    return error as { message: string; extensions: Record<string, unknown> };
  }
  throw new Error('expected a failure');
}

describe('custom field keys and definitions', () => {
  it.each(['a', 'score', 'renewal_2027', `a${'b'.repeat(39)}`])('accepts the key %s', (key) => expect(CUSTOM_FIELD_KEY.test(key)).toBe(true));
  it.each(['', '1abc', 'Abc', 'a-b', 'a b', `a${'b'.repeat(40)}`, "x'--"])('rejects the key %j', (key) => expect(CUSTOM_FIELD_KEY.test(key)).toBe(false));

  it('needs options exactly for selects and a target exactly for references', () => {
    expect(failure(() => checkDefinitionShape({ type: 'SELECT', options: [], referenceEntity: null })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'options' });
    expect(failure(() => checkDefinitionShape({ type: 'NUMBER', options: ['a'], referenceEntity: null })).extensions).toMatchObject({ field: 'options' });
    expect(failure(() => checkDefinitionShape({ type: 'REFERENCE', options: [], referenceEntity: null })).extensions).toMatchObject({ field: 'referenceEntity' });
    expect(failure(() => checkDefinitionShape({ type: 'TEXT', options: [], referenceEntity: 'LEAD' })).extensions).toMatchObject({ field: 'referenceEntity' });
    expect(() => checkDefinitionShape({ type: 'MULTI_SELECT', options: ['a'], referenceEntity: null })).not.toThrow();
  });
});

describe('applyCustomFields', () => {
  const id = '5f0c7f5e-8f5a-4c39-9d3c-0e0b6c1f2a11';

  it('normalizes every type and lists references to check', () => {
    const { values, references } = applyCustomFields(
      DEFS,
      [
        { key: 'note', text: '  hi  ' },
        { key: 'score', number: 1.5 },
        { key: 'budget', currency: { amountMinor: '00120', currency: 'usd' } },
        { key: 'renewal', date: '2028-02-29' },
        { key: 'vip', boolean: false },
        { key: 'tier', option: 'gold' },
        { key: 'channels', options: ['sms', 'sms', 'email'] },
        { key: 'site', url: 'https://example.com/x' },
        { key: 'billing', email: 'A@B.Example' },
        { key: 'owner_contact', reference: id.toUpperCase() },
        { key: 'region', text: 'EU' },
      ],
      {},
      { creating: true },
    );
    expect(values).toEqual({
      note: 'hi',
      score: 1.5,
      budget: { amountMinor: '120', currency: 'USD' },
      renewal: '2028-02-29',
      vip: false,
      tier: 'gold',
      channels: ['sms', 'email'],
      site: 'https://example.com/x',
      billing: 'a@b.example',
      owner_contact: id,
      region: 'EU',
    });
    expect(references).toEqual([{ key: 'owner_contact', entity: 'CONTACT', id, field: 'customFields.owner_contact' }]);
  });

  it.each([
    [{ key: 'nope', text: 'x' }, 'customFields.nope', /nope/],
    [{ key: 'score', text: '1' }, 'customFields.score', /NUMBER/],
    [{ key: 'score' }, 'customFields.score', /exactly one/],
    [{ key: 'score', number: 1, clear: true }, 'customFields.score', /exactly one/],
    [{ key: 'renewal', date: '2027-02-29' }, 'customFields.renewal', /date/],
    [{ key: 'budget', currency: { amountMinor: '1.5', currency: 'USD' } }, 'customFields.budget', /minor units/],
    [{ key: 'budget', currency: { amountMinor: '1', currency: 'dollars' } }, 'customFields.budget', /ISO 4217/],
    [{ key: 'tier', option: 'bronze' }, 'customFields.tier', /bronze/],
    [{ key: 'channels', options: ['fax'] }, 'customFields.channels', /fax/],
    [{ key: 'site', url: 'ftp://example.com' }, 'customFields.site', /URL/],
    [{ key: 'site', url: 'not a url' }, 'customFields.site', /URL/],
    [{ key: 'billing', email: 'nope@' }, 'customFields.billing', /e-mail/],
    [{ key: 'owner_contact', reference: 'not-an-id' }, 'customFields.owner_contact', /id/],
    [{ key: 'region', clear: true }, 'customFields.region', /required/],
  ])('rejects %j naming %s', (input, field, message) => {
    const error = failure(() => applyCustomFields(DEFS, [input], { region: 'EU' }, { creating: false }));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(error.message).toMatch(message);
  });

  it('enforces required fields on create only, and prefixes batch paths', () => {
    expect(failure(() => applyCustomFields(DEFS, [], {}, { creating: true })).extensions).toMatchObject({ field: 'customFields.region' });
    expect(failure(() => applyCustomFields(DEFS, null, {}, { creating: true, prefix: 'inputs.2.' })).extensions).toMatchObject({ field: 'inputs.2.customFields.region' });
    expect(applyCustomFields(DEFS, [{ key: 'score', number: 3 }], { region: 'EU', note: 'x' }, { creating: false }).values).toEqual({ region: 'EU', note: 'x', score: 3 });
    expect(applyCustomFields(DEFS, [{ key: 'note', clear: true }], { region: 'EU', note: 'x' }, { creating: false }).values).toEqual({ region: 'EU' });
  });
});

describe('valueObjects and customFieldSpecs', () => {
  it('shows values in definition order with their GraphQL type, skipping unset and unknown keys', () => {
    expect(valueObjects(DEFS, { score: 2, tier: 'gold', stale: 'x', budget: { amountMinor: '5', currency: 'EUR' } })).toEqual([
      { key: 'score', label: 'SCORE', type: 'NUMBER', __typename: 'NumberValue', number: 2 },
      { key: 'budget', label: 'BUDGET', type: 'CURRENCY', __typename: 'CurrencyValue', amountMinor: '5', currency: 'EUR' },
      { key: 'tier', label: 'TIER', type: 'SELECT', __typename: 'SelectValue', option: 'gold' },
    ]);
  });

  it('maps each type to a filter kind and how its JSON value is read', () => {
    const specs = customFieldSpecs(DEFS);
    expect(specs.score).toMatchObject({ column: 'cf:score', kind: 'number', custom: { key: 'score', read: 'number' } });
    expect(specs.budget).toMatchObject({ kind: 'number', custom: { read: 'amount' } });
    expect(specs.renewal).toMatchObject({ kind: 'date', custom: { read: 'date' } });
    expect(specs.tier).toMatchObject({ kind: 'enum', values: ['gold', 'silver'] });
    expect(specs.channels).toMatchObject({ kind: 'optionList', custom: { read: 'list' } });
    expect(specs.owner_contact).toMatchObject({ kind: 'id' });
  });
});
