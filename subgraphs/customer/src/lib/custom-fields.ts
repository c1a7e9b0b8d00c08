/**
 * Custom fields: rules for definitions, validation of the values written to a record, the typed
 * values a record shows, and how each type is filtered and sorted (see list-query.ts).
 *
 * Values live in the record's `customFields` JSON object, keyed by the definition's key:
 * TEXT, URL, EMAIL, SELECT, REFERENCE and DATE (`YYYY-MM-DD`) as strings, NUMBER as a number,
 * BOOLEAN as a boolean, MULTI_SELECT as a list of options, CURRENCY as
 * `{ amountMinor: "<integer>", currency: "<ISO 4217>" }`.
 */
import { z } from 'zod';
import { badInput } from '@crm/runtime';
import type { CustomFieldRef, FieldSpec } from '@crm/db/list-query';
import { isIsoDate } from '@crm/db/list-query';
import { isUuid } from './validation.ts';

export const CUSTOM_FIELD_TYPES = ['TEXT', 'NUMBER', 'CURRENCY', 'DATE', 'BOOLEAN', 'SELECT', 'MULTI_SELECT', 'URL', 'EMAIL', 'REFERENCE'] as const;
export const CUSTOM_FIELD_ENTITIES = ['CONTACT', 'ACCOUNT', 'LEAD'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];
export type CustomFieldEntity = (typeof CUSTOM_FIELD_ENTITIES)[number];

/** Key format: starts with a lowercase letter, then lowercase letters, digits or `_`; at most 40. */
export const CUSTOM_FIELD_KEY = /^[a-z][a-z0-9_]{0,39}$/;
/** Most definitions (archived ones included) per record type and tenant. */
export const MAX_CUSTOM_FIELDS = 100;
/** Most options of a SELECT or MULTI_SELECT field. */
export const MAX_OPTIONS = 200;
export const MAX_TEXT_LENGTH = 2000;

/** What the validation needs of a definition (a `CustomFieldDefinition` row fits). */
export interface FieldDefinition {
  key: string;
  label: string;
  type: CustomFieldType;
  required: boolean;
  options: string[];
  referenceEntity: CustomFieldEntity | null;
}

export interface CurrencyAmount {
  amountMinor: string;
  currency: string;
}

/** One `CustomFieldInput`: the key and exactly one typed member (or `clear`). */
export interface CustomFieldInput {
  key: string;
  text?: string | null;
  number?: number | null;
  currency?: CurrencyAmount | null;
  date?: string | null;
  boolean?: boolean | null;
  option?: string | null;
  options?: readonly string[] | null;
  url?: string | null;
  email?: string | null;
  reference?: string | null;
  clear?: boolean | null;
}

const MEMBER_OF: Record<CustomFieldType, keyof CustomFieldInput> = {
  TEXT: 'text',
  NUMBER: 'number',
  CURRENCY: 'currency',
  DATE: 'date',
  BOOLEAN: 'boolean',
  SELECT: 'option',
  MULTI_SELECT: 'options',
  URL: 'url',
  EMAIL: 'email',
  REFERENCE: 'reference',
};
const MEMBERS = [...Object.values(MEMBER_OF), 'clear'] as const;

const optionList = z
  .array(z.string().trim().min(1, 'options must not be empty').max(100, 'options must be at most 100 characters each'))
  .max(MAX_OPTIONS, `options may list at most ${MAX_OPTIONS} values`)
  .transform((options) => [...new Set(options)]);

export const definitionRules = {
  key: z.string().regex(CUSTOM_FIELD_KEY, 'key must match ^[a-z][a-z0-9_]{0,39}$ (lowercase letters, digits and _)'),
  label: z.string().trim().min(1, 'label must not be empty').max(100, 'label must be at most 100 characters'),
  options: optionList,
};

/** Checks the type-specific parts of a definition: options for selects, a target for references. */
export function checkDefinitionShape(def: Pick<FieldDefinition, 'type' | 'options' | 'referenceEntity'>): void {
  const select = def.type === 'SELECT' || def.type === 'MULTI_SELECT';
  if (select && def.options.length === 0) throw badInput('options: a select field needs at least one option', 'options');
  if (!select && def.options.length > 0) throw badInput(`options: only select fields have options, not ${def.type}`, 'options');
  if (def.type === 'REFERENCE' && !def.referenceEntity) throw badInput('referenceEntity: a reference field needs referenceEntity', 'referenceEntity');
  if (def.type !== 'REFERENCE' && def.referenceEntity) throw badInput(`referenceEntity: only reference fields have one, not ${def.type}`, 'referenceEntity');
}

const URL_SCHEMES = new Set(['http:', 'https:']);
const CURRENCY = /^[A-Z]{3}$/;
const MINOR_UNITS = /^-?\d{1,18}$/;

/** A record that a REFERENCE value points to, checked by the caller against the database. */
export interface ReferenceCheck {
  key: string;
  entity: CustomFieldEntity;
  id: string;
  field: string;
}

/** One value checked against its definition; throws BAD_USER_INPUT naming `field`. */
function checkValue(def: FieldDefinition, input: CustomFieldInput, field: string): unknown {
  const bad = (what: string) => badInput(`${field}: ${what}`, field);
  const raw = input[MEMBER_OF[def.type]];
  switch (def.type) {
    case 'TEXT': {
      const text = String(raw).trim();
      if (text.length > MAX_TEXT_LENGTH) throw bad(`must be at most ${MAX_TEXT_LENGTH} characters`);
      return text;
    }
    case 'NUMBER':
      if (typeof raw !== 'number' || !Number.isFinite(raw)) throw bad('must be a finite number');
      return raw;
    case 'CURRENCY': {
      const amount = raw as CurrencyAmount;
      if (!MINOR_UNITS.test(amount.amountMinor)) throw bad('amountMinor must be a whole number of minor units, e.g. "1999"');
      const currency = amount.currency.trim().toUpperCase();
      if (!CURRENCY.test(currency)) throw bad('currency must be an ISO 4217 code, e.g. USD');
      return { amountMinor: String(BigInt(amount.amountMinor)), currency };
    }
    case 'DATE':
      if (typeof raw !== 'string' || !isIsoDate(raw)) throw bad('must be a date (YYYY-MM-DD)');
      return raw;
    case 'BOOLEAN':
      return Boolean(raw);
    case 'SELECT':
      if (typeof raw !== 'string' || !def.options.includes(raw)) throw bad(`${String(raw)} is not an option (use ${def.options.join(', ')})`);
      return raw;
    case 'MULTI_SELECT': {
      const chosen = [...new Set(raw as readonly string[])];
      const unknown = chosen.find((option) => !def.options.includes(option));
      if (unknown !== undefined) throw bad(`${unknown} is not an option (use ${def.options.join(', ')})`);
      return chosen;
    }
    case 'URL': {
      const text = String(raw).trim();
      const url = URL.canParse(text) ? new URL(text) : null;
      if (!url || !URL_SCHEMES.has(url.protocol) || !url.hostname || text.length > MAX_TEXT_LENGTH) throw bad('must be an http(s) URL');
      return text;
    }
    case 'EMAIL': {
      const email = String(raw).trim().toLowerCase();
      if (email.length > 254 || !z.email().safeParse(email).success) throw bad('is not a valid e-mail address');
      return email;
    }
    case 'REFERENCE': {
      const id = String(raw);
      if (!isUuid(id)) throw bad('is not a valid id');
      return id.toLowerCase();
    }
  }
}

/**
 * Applies `inputs` to a record's `current` values. Unknown (or archived) keys, a member that does
 * not match the field's type and invalid values fail with BAD_USER_INPUT and
 * `field = <prefix>customFields.<key>`; on create every required field must have a value. Returns
 * the new JSON object and the references the caller must check.
 */
export function applyCustomFields(
  definitions: readonly FieldDefinition[],
  inputs: readonly CustomFieldInput[] | null | undefined,
  current: Record<string, unknown>,
  options: { creating: boolean; prefix?: string },
): { values: Record<string, unknown>; references: ReferenceCheck[] } {
  const prefix = options.prefix ?? '';
  const byKey = new Map(definitions.map((def) => [def.key, def]));
  const values: Record<string, unknown> = { ...current };
  const references: ReferenceCheck[] = [];
  const seen = new Set<string>();
  for (const input of inputs ?? []) {
    const field = `${prefix}customFields.${input.key}`;
    const def = byKey.get(input.key);
    if (!def) throw badInput(`${field}: there is no custom field ${input.key}`, field);
    if (seen.has(input.key)) throw badInput(`${field}: given twice`, field);
    seen.add(input.key);
    const given = MEMBERS.filter((member) => input[member] !== undefined && input[member] !== null);
    if (given.length !== 1) throw badInput(`${field}: give exactly one of ${MEMBER_OF[def.type]} or clear`, field);
    const member = given[0]!;
    if (member === 'clear') {
      if (def.required) throw badInput(`${field}: ${def.label} is required`, field);
      delete values[input.key];
      continue;
    }
    if (member !== MEMBER_OF[def.type]) throw badInput(`${field}: ${def.label} is a ${def.type} field; give ${MEMBER_OF[def.type]}, not ${member}`, field);
    const value = checkValue(def, input, field);
    if (def.required && (value === '' || (Array.isArray(value) && value.length === 0))) throw badInput(`${field}: ${def.label} is required`, field);
    if (value === '' || (Array.isArray(value) && value.length === 0)) delete values[input.key];
    else values[input.key] = value;
    if (def.type === 'REFERENCE') references.push({ key: def.key, entity: def.referenceEntity!, id: value as string, field });
  }
  if (options.creating) {
    const missing = definitions.find((def) => def.required && values[def.key] === undefined);
    if (missing) {
      const field = `${prefix}customFields.${missing.key}`;
      throw badInput(`${field}: ${missing.label} is required`, field);
    }
  }
  return { values, references };
}

/** A record's value as the GraphQL `CustomFieldValue` it is shown as (`__typename` picks the type). */
export type CustomFieldValueObject = { key: string; label: string; type: CustomFieldType } & (
  | { __typename: 'TextValue'; text: string }
  | { __typename: 'NumberValue'; number: number }
  | { __typename: 'CurrencyValue'; amountMinor: string; currency: string }
  | { __typename: 'DateValue'; date: string }
  | { __typename: 'BooleanValue'; boolean: boolean }
  | { __typename: 'SelectValue'; option: string }
  | { __typename: 'MultiSelectValue'; options: string[] }
  | { __typename: 'UrlValue'; url: string }
  | { __typename: 'EmailValue'; email: string }
  | { __typename: 'ReferenceValue'; entity: CustomFieldEntity; id: string }
);

/** The typed value of `def` in a record's JSON, or null when it has none. */
export function valueObject(def: FieldDefinition, json: unknown): CustomFieldValueObject | null {
  const stored = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>)[def.key] : undefined;
  if (stored === undefined || stored === null) return null;
  const base = { key: def.key, label: def.label, type: def.type };
  switch (def.type) {
    case 'TEXT':
      return { ...base, __typename: 'TextValue', text: String(stored) };
    case 'NUMBER':
      return typeof stored === 'number' ? { ...base, __typename: 'NumberValue', number: stored } : null;
    case 'CURRENCY': {
      const amount = stored as Partial<CurrencyAmount>;
      return amount.amountMinor && amount.currency ? { ...base, __typename: 'CurrencyValue', amountMinor: amount.amountMinor, currency: amount.currency } : null;
    }
    case 'DATE':
      return { ...base, __typename: 'DateValue', date: String(stored) };
    case 'BOOLEAN':
      return { ...base, __typename: 'BooleanValue', boolean: stored === true };
    case 'SELECT':
      return { ...base, __typename: 'SelectValue', option: String(stored) };
    case 'MULTI_SELECT':
      return { ...base, __typename: 'MultiSelectValue', options: Array.isArray(stored) ? stored.map(String) : [] };
    case 'URL':
      return { ...base, __typename: 'UrlValue', url: String(stored) };
    case 'EMAIL':
      return { ...base, __typename: 'EmailValue', email: String(stored) };
    case 'REFERENCE':
      return def.referenceEntity ? { ...base, __typename: 'ReferenceValue', entity: def.referenceEntity, id: String(stored) } : null;
  }
}

/** Every value a record has for the (live) definitions, in definition order. */
export function valueObjects(definitions: readonly FieldDefinition[], json: unknown): CustomFieldValueObject[] {
  return definitions.flatMap((def) => valueObject(def, json) ?? []);
}

const KIND_OF: Record<CustomFieldType, [FieldSpec['kind'], CustomFieldRef['read']]> = {
  TEXT: ['string', 'text'],
  URL: ['string', 'text'],
  EMAIL: ['string', 'text'],
  SELECT: ['enum', 'text'],
  REFERENCE: ['id', 'text'],
  NUMBER: ['number', 'number'],
  CURRENCY: ['number', 'amount'],
  DATE: ['date', 'date'],
  BOOLEAN: ['boolean', 'boolean'],
  MULTI_SELECT: ['optionList', 'list'],
};

/** Filter/sort specs of the definitions, by key (the list DSL's `customField` and `orderBy.customField`). */
export function customFieldSpecs(definitions: readonly FieldDefinition[]): Record<string, FieldSpec> {
  return Object.fromEntries(
    definitions.map((def) => {
      const [kind, read] = KIND_OF[def.type];
      const spec: FieldSpec = { column: `cf:${def.key}`, kind, nullable: true, custom: { key: def.key, read } };
      if (def.options.length) spec.values = def.options;
      return [def.key, spec];
    }),
  );
}
