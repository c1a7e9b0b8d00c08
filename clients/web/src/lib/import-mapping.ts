/**
 * The column mapping of a CSV import as the user edits it: each column of the file fills one
 * record field or is not imported, and no field is filled by two columns. It starts from the
 * mapping the API suggested (or a saved one) and becomes the `mapping` of `configureImport`.
 */

export type ImportEntityKind = 'CONTACT' | 'ACCOUNT' | 'LEAD';
export const IMPORT_ENTITIES: readonly ImportEntityKind[] = ['CONTACT', 'ACCOUNT', 'LEAD'];

export interface ColumnMappingEntry {
  column: string;
  field: string;
}

export interface FieldOption {
  field: string;
  label: string;
}

/** Record fields a column can fill, per entity (custom fields come as `customFields.<key>`). */
export const IMPORT_FIELDS: Record<ImportEntityKind, readonly FieldOption[]> = {
  CONTACT: [
    { field: 'firstName', label: 'First name' },
    { field: 'lastName', label: 'Last name' },
    { field: 'email', label: 'Email' },
    { field: 'phone', label: 'Phone' },
    { field: 'lifecycleStage', label: 'Lifecycle stage' },
    { field: 'tags', label: 'Tags' },
    { field: 'ownerId', label: 'Owner (user id)' },
  ],
  ACCOUNT: [
    { field: 'name', label: 'Name' },
    { field: 'domain', label: 'Domain' },
    { field: 'industry', label: 'Industry' },
    { field: 'employees', label: 'Employees' },
    { field: 'annualRevenue', label: 'Annual revenue' },
    { field: 'revenueCurrency', label: 'Revenue currency' },
    { field: 'parent', label: 'Parent account (domain or id)' },
    { field: 'ownerId', label: 'Owner (user id)' },
  ],
  LEAD: [
    { field: 'name', label: 'Name' },
    { field: 'email', label: 'Email' },
    { field: 'company', label: 'Company' },
    { field: 'source', label: 'Source' },
    { field: 'status', label: 'Status (not Converted)' },
    { field: 'ownerId', label: 'Owner (user id)' },
  ],
};

/** Fields each record needs from the file. */
export const REQUIRED_FIELDS: Record<ImportEntityKind, readonly string[]> = {
  CONTACT: ['firstName', 'lastName'],
  ACCOUNT: ['name'],
  LEAD: ['name'],
};

/** What a row's key is when deciding it is a duplicate. */
export const DEDUP_KEY: Record<ImportEntityKind, string> = {
  CONTACT: 'primary e-mail',
  ACCOUNT: 'domain, else name',
  LEAD: 'e-mail',
};

export const CUSTOM_FIELD_PREFIX = 'customFields.';

/** Custom field types a column can fill (as the API accepts them). */
const IMPORTABLE_CUSTOM_TYPES: ReadonlySet<string> = new Set(['TEXT', 'NUMBER', 'DATE', 'BOOLEAN', 'SELECT', 'MULTI_SELECT', 'URL', 'EMAIL']);

export interface CustomFieldOptionSource {
  key: string;
  label: string;
  type: string;
  archivedAt?: string | null;
}

/**
 * The fields offered for an entity: its built-in fields, its live importable custom fields, and
 * any field the current mapping already uses that is not among those (so a field the API knows
 * and suggested is never lost from the choices).
 */
export function fieldOptions(entity: ImportEntityKind, customFields: readonly CustomFieldOptionSource[], inUse: readonly string[] = []): FieldOption[] {
  const options: FieldOption[] = [...IMPORT_FIELDS[entity]];
  for (const def of customFields) {
    if (!def.archivedAt && IMPORTABLE_CUSTOM_TYPES.has(def.type)) options.push({ field: CUSTOM_FIELD_PREFIX + def.key, label: `${def.label} (custom)` });
  }
  const known = new Set(options.map((o) => o.field));
  for (const field of inUse) {
    if (field && !known.has(field)) {
      options.push({ field, label: field });
      known.add(field);
    }
  }
  return options;
}

/** column -> field ('' = not imported), one entry per column of the file, in file order. */
export type MappingState = ReadonlyArray<{ column: string; field: string }>;

/**
 * The editable mapping of a file from a mapping the API returned or a saved one: columns the
 * file does not have are ignored; a field given to two columns stays with the first.
 */
export function mappingFrom(columns: readonly string[], mapping: readonly ColumnMappingEntry[]): MappingState {
  const byColumn = new Map<string, string>();
  const taken = new Set<string>();
  for (const entry of mapping) {
    if (!columns.includes(entry.column) || byColumn.has(entry.column) || taken.has(entry.field)) continue;
    byColumn.set(entry.column, entry.field);
    taken.add(entry.field);
  }
  return columns.map((column) => ({ column, field: byColumn.get(column) ?? '' }));
}

/** The mapping after `column` is set to fill `field` (''; not imported); a column that filled it before is cleared. */
export function setColumnField(state: MappingState, column: string, field: string): MappingState {
  return state.map((entry) => {
    if (entry.column === column) return { column, field };
    if (field !== '' && entry.field === field) return { column: entry.column, field: '' };
    return entry;
  });
}

/** The mapping as the API takes it: the mapped columns only. */
export function mappingInput(state: MappingState): ColumnMappingEntry[] {
  return state.filter((entry) => entry.field !== '').map(({ column, field }) => ({ column, field }));
}

/** Required fields no column fills yet. */
export function missingFields(entity: ImportEntityKind, state: MappingState): string[] {
  const mapped = new Set(state.map((e) => e.field));
  return REQUIRED_FIELDS[entity].filter((field) => !mapped.has(field));
}

/** The message shown while the mapping cannot be used, or null. */
export function mappingProblem(entity: ImportEntityKind, state: MappingState): string | null {
  const missing = missingFields(entity, state);
  if (missing.length === 0) return null;
  const labels = missing.map((field) => IMPORT_FIELDS[entity].find((o) => o.field === field)?.label ?? field);
  return `Map a column to ${labels.join(' and ')}: every record needs ${labels.length > 1 ? 'them' : 'it'}.`;
}

/** True when both mappings fill the same fields from the same columns. */
export function sameMapping(a: readonly ColumnMappingEntry[], b: readonly ColumnMappingEntry[]): boolean {
  const key = (m: readonly ColumnMappingEntry[]) =>
    m
      .filter((e) => e.field !== '')
      .map((e) => `${e.column}\u0000${e.field}`)
      .sort()
      .join('\u0001');
  return key(a) === key(b);
}

/** The list screen of the records an import writes. */
export function listPathOf(entity: ImportEntityKind): string {
  return entity === 'CONTACT' ? '/contacts' : entity === 'ACCOUNT' ? '/accounts' : '/leads';
}

/** Plural noun of an entity ("contacts"). */
export function nounOf(entity: ImportEntityKind): string {
  return entity === 'CONTACT' ? 'contacts' : entity === 'ACCOUNT' ? 'accounts' : 'leads';
}
