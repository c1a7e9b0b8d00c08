/**
 * Contact imports: which fields a column may fill, the mapping suggested from header names, and
 * one CSV row read as a contact change through the same rules as `createContact` / `upsertContacts`
 * (lib/validation.ts, lib/contact-details.ts, lib/custom-fields.ts).
 *
 * Empty cells mean "not given": a new contact gets the defaults, an updated one keeps its value.
 */
import { z } from 'zod';
import { AppError } from '@crm/runtime';
import { parseMoneyCell } from '../../../lib/amounts.ts';
import { LIFECYCLE_STAGES } from '../../../lib/entities.ts';
import type { CustomFieldInput, FieldDefinition } from '../../../lib/custom-fields.ts';
import { optionalEmail, optionalPhone, optionalUuid, parsePatch, requiredName, tagList } from '../../../lib/validation.ts';

/** Built-in contact fields a column can be mapped to. */
export const CONTACT_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'lifecycleStage', 'tags', 'ownerId'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];
export const CUSTOM_FIELD_PREFIX = 'customFields.';
/**
 * Custom field types a column can fill: a currency as "1200.50 EUR" (or "EUR 1200.50"), as exports
 * write it. A reference needs an id looked up in another table, so it is not imported.
 */
export const IMPORTABLE_CUSTOM_TYPES: ReadonlySet<string> = new Set(['TEXT', 'NUMBER', 'CURRENCY', 'DATE', 'BOOLEAN', 'SELECT', 'MULTI_SELECT', 'URL', 'EMAIL']);

/** column -> field */
export type ColumnMapping = Record<string, string>;

/** A contact change read from one row; absent keys were empty cells. */
export interface ContactPatch {
  firstName?: string;
  lastName?: string;
  email?: string | null;
  phone?: string | null;
  lifecycleStage?: (typeof LIFECYCLE_STAGES)[number];
  tags?: string[];
  ownerId?: string | null;
  customFields?: CustomFieldInput[];
}

export type RowReading =
  | { ok: true; rowNumber: number; patch: ContactPatch; key: string | null }
  | { ok: false; rowNumber: number; column: string | null; reason: string };

const SYNONYMS: Record<ContactField, string[]> = {
  firstName: ['firstname', 'first', 'givenname', 'forename', 'vorname', 'prenom'],
  lastName: ['lastname', 'last', 'surname', 'familyname', 'nachname', 'nom'],
  email: ['email', 'emailaddress', 'mail', 'primaryemail', 'workemail'],
  phone: ['phone', 'phonenumber', 'telephone', 'tel', 'mobile', 'workphone'],
  lifecycleStage: ['lifecyclestage', 'stage', 'lifecycle'],
  tags: ['tags', 'labels', 'tag'],
  ownerId: ['ownerid', 'owner'],
};

const squash = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** What mapping needs to know of a record type: its built-in fields, their header synonyms, the fields a mapping must have. */
export interface FieldSpec {
  fields: readonly string[];
  synonyms: Readonly<Record<string, readonly string[]>>;
  required: readonly string[];
}

export const CONTACT_SPEC: FieldSpec = { fields: CONTACT_FIELDS, synonyms: SYNONYMS, required: ['firstName', 'lastName'] };

/** The mapping suggested for a header: built-in fields by name and synonyms, custom fields by key or label. */
export function suggestMapping(columns: readonly string[], definitions: readonly FieldDefinition[], spec: FieldSpec = CONTACT_SPEC): ColumnMapping {
  const mapping: ColumnMapping = {};
  const taken = new Set<string>();
  for (const column of columns) {
    const name = squash(column);
    if (!name || mapping[column]) continue;
    const builtIn = spec.fields.find((field) => !taken.has(field) && (spec.synonyms[field] ?? []).includes(name));
    const custom = definitions.find(
      (def) => IMPORTABLE_CUSTOM_TYPES.has(def.type) && !taken.has(CUSTOM_FIELD_PREFIX + def.key) && (squash(def.key) === name || squash(def.label) === name),
    );
    const field = builtIn ?? (custom ? CUSTOM_FIELD_PREFIX + custom.key : undefined);
    if (field) {
      mapping[column] = field;
      taken.add(field);
    }
  }
  return mapping;
}

/**
 * Problems of a mapping for a file with `columns`, as `[entry index, message]`: unknown columns or
 * fields, a field mapped twice, custom fields that do not exist or cannot be imported, and (for
 * contacts) first and last name not mapped.
 */
export function mappingProblem(
  mapping: readonly { column: string; field: string }[],
  columns: readonly string[],
  definitions: readonly FieldDefinition[],
  spec: FieldSpec = CONTACT_SPEC,
): { index: number | null; message: string } | null {
  const known = new Set(columns);
  const fields = new Set<string>();
  const byKey = new Map(definitions.map((def) => [def.key, def]));
  const seenColumns = new Set<string>();
  for (const [index, { column, field }] of mapping.entries()) {
    if (!known.has(column)) return { index, message: `the file has no column "${column}"` };
    if (seenColumns.has(column)) return { index, message: `column "${column}" is mapped twice` };
    seenColumns.add(column);
    if (field.startsWith(CUSTOM_FIELD_PREFIX)) {
      const def = byKey.get(field.slice(CUSTOM_FIELD_PREFIX.length));
      if (!def) return { index, message: `there is no custom field ${field.slice(CUSTOM_FIELD_PREFIX.length)}` };
      if (!IMPORTABLE_CUSTOM_TYPES.has(def.type)) return { index, message: `${def.label} is a ${def.type} field, which cannot be imported from one column` };
    } else if (!spec.fields.includes(field)) {
      return { index, message: `unknown field "${field}"; use one of ${spec.fields.join(', ')} or customFields.<key>` };
    }
    if (fields.has(field)) return { index, message: `field ${field} is mapped from two columns` };
    fields.add(field);
  }
  for (const required of spec.required) {
    if (!fields.has(required)) return { index: null, message: `map a column to ${required}` };
  }
  return null;
}

const patchRules = {
  firstName: requiredName('firstName', 100),
  lastName: requiredName('lastName', 100),
  email: optionalEmail,
  phone: optionalPhone,
  lifecycleStage: z.enum(LIFECYCLE_STAGES, { error: `lifecycleStage must be one of ${LIFECYCLE_STAGES.join(', ')}` }),
  tags: tagList,
  ownerId: optionalUuid('ownerId'),
};

const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);
export const split = (cell: string) =>
  cell
    .split(/[;|]/)
    .map((part) => part.trim())
    .filter(Boolean);

/** A cell as the custom field input of its definition's type; a string is the error. */
export function customInput(def: FieldDefinition, cell: string): CustomFieldInput | string {
  switch (def.type) {
    case 'NUMBER': {
      const number = Number(cell.replace(/[\s,](?=\d{3}\b)/g, ''));
      return Number.isFinite(number) ? { key: def.key, number } : `${def.label} must be a number`;
    }
    case 'BOOLEAN': {
      const value = cell.toLowerCase();
      if (TRUE.has(value)) return { key: def.key, boolean: true };
      if (FALSE.has(value)) return { key: def.key, boolean: false };
      return `${def.label} must be true or false`;
    }
    case 'CURRENCY': {
      const currency = parseMoneyCell(cell);
      return currency ? { key: def.key, currency } : `${def.label} must be an amount with its currency, e.g. 1200.50 EUR`;
    }
    case 'DATE':
      return { key: def.key, date: cell };
    case 'SELECT':
      return { key: def.key, option: cell };
    case 'MULTI_SELECT':
      return { key: def.key, options: split(cell) };
    case 'URL':
      return { key: def.key, url: cell };
    case 'EMAIL':
      return { key: def.key, email: cell };
    default:
      return { key: def.key, text: cell };
  }
}

/** Column indexes of a mapping over the header. */
export function mappedColumns(columns: readonly string[], mapping: ColumnMapping): { index: number; column: string; field: string }[] {
  return columns.flatMap((column, index) => (mapping[column] ? [{ index, column, field: mapping[column] }] : []));
}

/**
 * One data row read as a contact change. Fails (naming the column) on a wrong number of cells, an
 * invalid value, or an unknown custom field; the dedup key is the normalised primary e-mail.
 */
export function readContactRow(
  rowNumber: number,
  cells: readonly string[],
  columnCount: number,
  mapped: readonly { index: number; column: string; field: string }[],
  definitions: ReadonlyMap<string, FieldDefinition>,
): RowReading {
  if (cells.length !== columnCount) {
    return { ok: false, rowNumber, column: null, reason: `the row has ${cells.length} cells; the header has ${columnCount} columns` };
  }
  const raw: Record<string, unknown> = {};
  const columnOf = new Map<string, string>();
  const customFields: CustomFieldInput[] = [];
  for (const { index, column, field } of mapped) {
    const cell = cells[index]!.trim();
    if (cell === '') continue;
    columnOf.set(field, column);
    if (field.startsWith(CUSTOM_FIELD_PREFIX)) {
      const def = definitions.get(field.slice(CUSTOM_FIELD_PREFIX.length));
      if (!def) return { ok: false, rowNumber, column, reason: `there is no custom field ${field.slice(CUSTOM_FIELD_PREFIX.length)}` };
      const input = customInput(def, cell);
      if (typeof input === 'string') return { ok: false, rowNumber, column, reason: input };
      customFields.push(input);
    } else if (field === 'tags') {
      raw[field] = split(cell);
    } else if (field === 'lifecycleStage') {
      raw[field] = cell.toUpperCase().replace(/[\s-]+/g, '_');
    } else {
      raw[field] = cell;
    }
  }
  try {
    const patch = parsePatch(patchRules, raw) as ContactPatch;
    if (customFields.length) patch.customFields = customFields;
    return { ok: true, rowNumber, patch, key: patch.email ?? null };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const field = typeof error.extensions['field'] === 'string' ? error.extensions['field'] : null;
    return { ok: false, rowNumber, column: (field && columnOf.get(field)) ?? null, reason: error.message };
  }
}
