/**
 * The list DSL of every subgraph's Relay connections: typed filters compiled to Prisma `where`
 * clauses, multi-field ordering with a stable `id` tie-break, and Relay keyset cursors. Partners
 * meet the same shapes on contacts, accounts, leads and deals.
 *
 * Filters: each field takes an operator object (`eq, neq, in, lt, lte, gt, gte, contains,
 * startsWith, isNull`; list fields `has, hasSome, hasEvery, isEmpty`); several operators on one
 * field must all hold. `and`, `or` and `not` nest, and relation fields match when at least one
 * live related record matches. `contains` and `startsWith` ignore case; `neq` also matches records
 * where the field is empty. `computed` fields (e.g. a deal's `stale`) compile through a function
 * the entity supplies per request; `customField: { key, ... }` compares one of the tenant's custom
 * fields (see `withCustomFields`).
 *
 * Cursors are opaque: the sort values of the last row plus its id, bound to the ordering they were
 * issued for, so a cursor used with another `orderBy` is rejected rather than silently skipping rows.
 */
import { badInput } from '@crm/runtime';

/** Page size of a connection when neither `first` nor `last` is given. */
export const DEFAULT_PAGE_SIZE = 50;
/** Largest `first` / `last` of a connection. */
export const MAX_PAGE_SIZE = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (value: string): boolean => UUID.test(value);

/**
 * `bigint`: a 64-bit integer column (values and cursors travel as decimal strings);
 * `calendarDate`: a date column Prisma reads as midnight UTC (values `YYYY-MM-DD`).
 */
export type FieldKind = 'id' | 'string' | 'int' | 'bigint' | 'dateTime' | 'calendarDate' | 'enum' | 'stringList' | 'number' | 'date' | 'boolean' | 'optionList';

/** How a custom field's value is read from the record's `customFields` JSON (see custom-fields.ts). */
export interface CustomFieldRef {
  key: string;
  /** `number` and `amount` compare numerically (`amount` is a currency's `amountMinor`), `date` as a date. */
  read: 'text' | 'number' | 'amount' | 'date' | 'boolean' | 'list';
}

export interface FieldSpec {
  /** Prisma field name. */
  column: string;
  kind: FieldKind;
  nullable: boolean;
  /** Allowed values of an enum field. */
  values?: readonly string[];
  /** Set for a custom field; `column` is then `cf:<key>`. */
  custom?: CustomFieldRef;
}

export interface RelationSpec {
  /** The related entity's spec (a thunk, since relations are mutual). */
  target: () => EntitySpec;
  /** Wraps the related record's where clause into this record's where clause. */
  wrap: (inner: Where) => Where;
}

export interface EntitySpec {
  /** GraphQL type name, used in messages. */
  name: string;
  /** Filterable fields by GraphQL name. */
  fields: Record<string, FieldSpec>;
  relations: Record<string, RelationSpec>;
  /** Sortable fields: GraphQL enum value -> filterable field name. */
  sortFields: Record<string, string>;
  /** Groupable fields: GraphQL enum value -> filterable field name. */
  groupFields: Record<string, string>;
  /** Where clause of the live (not deleted) records. */
  live: Where;
  /**
   * Filter fields computed per request: GraphQL name -> compiles the field's operator object
   * (at `path`) into conditions. BAD_USER_INPUT for values it refuses.
   */
  computed?: Record<string, (ops: unknown, path: string) => Where[]>;
  /** The tenant's custom fields by key (added per request by `withCustomFields`). */
  customFields?: Record<string, FieldSpec>;
}

export type Where = Record<string, unknown>;
export type SortDirection = 'ASC' | 'DESC';
export interface OrderInput {
  field?: string | null;
  /** Key of a custom field to sort by, instead of `field`. */
  customField?: string | null;
  direction?: SortDirection | null;
}

/** Most values an `in`/`hasSome`/`hasEvery` list may carry. */
export const MAX_IN_VALUES = 500;
/** Deepest nesting of `and`/`or`/`not`/relations. */
export const MAX_FILTER_DEPTH = 6;
/** Most entries in one `orderBy`. */
export const MAX_ORDER_FIELDS = 5;

const OPERATORS: Record<FieldKind, readonly string[]> = {
  id: ['eq', 'neq', 'in', 'isNull'],
  string: ['eq', 'neq', 'in', 'lt', 'lte', 'gt', 'gte', 'contains', 'startsWith', 'isNull'],
  int: ['eq', 'neq', 'in', 'lt', 'lte', 'gt', 'gte', 'isNull'],
  bigint: ['eq', 'neq', 'in', 'lt', 'lte', 'gt', 'gte', 'isNull'],
  calendarDate: ['eq', 'neq', 'in', 'lt', 'lte', 'gt', 'gte', 'isNull'],
  dateTime: ['eq', 'neq', 'in', 'lt', 'lte', 'gt', 'gte', 'isNull'],
  enum: ['eq', 'neq', 'in', 'isNull'],
  stringList: ['has', 'hasSome', 'hasEvery', 'isEmpty'],
  number: ['eq', 'neq', 'in', 'lt', 'lte', 'gt', 'gte', 'isNull'],
  date: ['eq', 'neq', 'in', 'lt', 'lte', 'gt', 'gte', 'isNull'],
  boolean: ['eq', 'neq', 'isNull'],
  optionList: ['has', 'hasSome', 'hasEvery', 'isEmpty'],
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date `YYYY-MM-DD` that exists. */
export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function scalarValue(spec: FieldSpec, value: unknown, path: string): unknown {
  const bad = (what: string) => badInput(`${path}: ${what}`, path);
  switch (spec.kind) {
    case 'id':
      if (typeof value !== 'string' || !isUuid(value)) throw bad('is not a valid id');
      return value.toLowerCase();
    case 'string':
    case 'stringList':
      if (typeof value !== 'string') throw bad('must be a string');
      if (value.length > 500) throw bad('must be at most 500 characters');
      return spec.kind === 'stringList' ? value.trim().toLowerCase() : value;
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw bad('must be an integer');
      return value;
    case 'bigint': {
      const text = typeof value === 'bigint' ? value.toString() : typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
      if (typeof text !== 'string' || !/^-?\d{1,19}$/.test(text)) throw bad('must be a whole number');
      return BigInt(text);
    }
    case 'calendarDate': {
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
      if (typeof value === 'string' && isIsoDate(value.slice(0, 10)) && (value.length === 10 || !Number.isNaN(new Date(value).getTime()))) {
        return new Date(`${value.slice(0, 10)}T00:00:00.000Z`);
      }
      throw bad('must be a date (YYYY-MM-DD)');
    }
    case 'dateTime': {
      const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
      if (!date || Number.isNaN(date.getTime())) throw bad('must be a DateTime');
      return date;
    }
    case 'enum':
    case 'optionList':
      if (typeof value !== 'string' || !spec.values?.includes(value)) throw bad(`must be one of ${spec.values?.join(', ')}`);
      return value;
    case 'number': {
      const number = typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isFinite(number)) throw bad('must be a number');
      return number;
    }
    case 'date':
      if (typeof value !== 'string' || !isIsoDate(value)) throw bad('must be a date (YYYY-MM-DD)');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw bad('must be a boolean');
      return value;
  }
}

function listValue(spec: FieldSpec, value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw badInput(`${path}: must be a list`, path);
  if (value.length > MAX_IN_VALUES) throw badInput(`${path}: at most ${MAX_IN_VALUES} values`, path);
  return value.map((item, index) => scalarValue(spec, item, `${path}.${index}`));
}

/** One field's operator object -> the conditions it stands for (all must hold). */
function compileField(spec: FieldSpec, ops: unknown, path: string): Where[] {
  if (!isObject(ops)) throw badInput(`${path}: must be an operator object`, path);
  const allowed = OPERATORS[spec.kind];
  const col = spec.column;
  const out: Where[] = [];
  for (const [op, raw] of Object.entries(ops)) {
    const opPath = `${path}.${op}`;
    if (!allowed.includes(op)) throw badInput(`${opPath}: unknown operator for this field (use ${allowed.join(', ')})`, opPath);
    if (raw === undefined) continue;
    if (raw === null) throw badInput(`${opPath}: must not be null (use isNull to match empty values)`, opPath);
    switch (op) {
      case 'eq':
        out.push({ [col]: scalarValue(spec, raw, opPath) });
        break;
      case 'neq': {
        const differs = { [col]: { not: scalarValue(spec, raw, opPath) } };
        out.push(spec.nullable ? { OR: [differs, { [col]: null }] } : differs);
        break;
      }
      case 'in':
        out.push({ [col]: { in: listValue(spec, raw, opPath) } });
        break;
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte':
        out.push({ [col]: { [op]: scalarValue(spec, raw, opPath) } });
        break;
      case 'contains':
      case 'startsWith':
        out.push({ [col]: { [op]: scalarValue(spec, raw, opPath), mode: 'insensitive' } });
        break;
      case 'isNull':
        if (typeof raw !== 'boolean') throw badInput(`${opPath}: must be a boolean`, opPath);
        // a field that is never empty: isNull true matches nothing, false everything
        if (!spec.nullable) out.push(raw ? { [col]: { in: [] } } : {});
        else out.push(raw ? { [col]: null } : { [col]: { not: null } });
        break;
      case 'has':
        out.push({ [col]: { has: scalarValue(spec, raw, opPath) } });
        break;
      case 'hasSome':
      case 'hasEvery':
        out.push({ [col]: { [op]: listValue(spec, raw, opPath) } });
        break;
      case 'isEmpty':
        if (typeof raw !== 'boolean') throw badInput(`${opPath}: must be a boolean`, opPath);
        out.push({ [col]: { isEmpty: raw } });
        break;
    }
  }
  return out;
}

function compileNode(entity: EntitySpec, filter: unknown, path: string, depth: number): Where[] {
  if (depth > MAX_FILTER_DEPTH) throw badInput(`${path}: filters nest at most ${MAX_FILTER_DEPTH} levels`, path);
  if (!isObject(filter)) throw badInput(`${path}: must be a filter object`, path);
  const out: Where[] = [];
  for (const [key, value] of Object.entries(filter)) {
    const keyPath = `${path}.${key}`;
    if (value === undefined || value === null) continue;
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value)) throw badInput(`${keyPath}: must be a list of filters`, keyPath);
      if (value.length > MAX_IN_VALUES) throw badInput(`${keyPath}: at most ${MAX_IN_VALUES} filters`, keyPath);
      const parts = value.map((part, index) => and(compileNode(entity, part, `${keyPath}.${index}`, depth + 1)));
      out.push(key === 'and' ? { AND: parts } : { OR: parts });
    } else if (key === 'not') {
      out.push({ NOT: and(compileNode(entity, value, keyPath, depth + 1)) });
    } else if (key === 'customField') {
      out.push(...compileCustomField(entity, value, keyPath));
    } else if (entity.computed?.[key]) {
      out.push(...entity.computed[key](value, keyPath));
    } else if (entity.fields[key]) {
      out.push(...compileField(entity.fields[key], value, keyPath));
    } else if (entity.relations[key]) {
      const relation = entity.relations[key];
      const target = relation.target();
      out.push(relation.wrap(and([target.live, ...compileNode(target, value, keyPath, depth + 1)])));
    } else {
      throw badInput(`${keyPath}: ${entity.name} has no filterable field ${key}`, keyPath);
    }
  }
  return out;
}

const and = (parts: Where[]): Where => (parts.length === 1 ? parts[0]! : { AND: parts });

/** `customField: { key, <operator>: value }`: the key must be one of the tenant's live fields. */
function compileCustomField(entity: EntitySpec, value: unknown, path: string): Where[] {
  if (!isObject(value)) throw badInput(`${path}: must be an operator object with a key`, path);
  const { key, ...ops } = value;
  const spec = typeof key === 'string' ? entity.customFields?.[key] : undefined;
  if (!spec) throw badInput(`${path}.key: ${entity.name} has no custom field ${String(key)}`, `${path}.key`);
  return compileField(spec, ops, path);
}

/** The entity's spec with the tenant's custom fields, which filters and `orderBy` may then use. */
export function withCustomFields(entity: EntitySpec, fields: Record<string, FieldSpec>): EntitySpec {
  return { ...entity, customFields: fields };
}

/**
 * Every spec with the tenant's custom fields (by spec name), its relations leading to the tenant's
 * specs as well, so a relation filter may test the related record's custom fields
 * (`account: { customField: { key: "tier", eq: "gold" } }`).
 */
export function withTenantCustomFields<K extends string>(specs: Record<K, EntitySpec>, fields: Partial<Record<K, Record<string, FieldSpec>>>): Record<K, EntitySpec> {
  const keys = Object.keys(specs) as K[];
  const keyOf = new Map(keys.map((key) => [specs[key].name, key]));
  const out = {} as Record<K, EntitySpec>;
  for (const key of keys) {
    const spec = specs[key];
    const relations = Object.fromEntries(
      Object.entries(spec.relations).map(([name, relation]) => {
        const target = () => {
          const plain = relation.target();
          const own = keyOf.get(plain.name);
          return own ? out[own] : plain;
        };
        return [name, { ...relation, target }];
      }),
    );
    out[key] = { ...spec, relations, customFields: fields[key] ?? {} };
  }
  return out;
}

/** Whether a compiled where clause or sort keys reach into custom fields (they need SQL, see sql-where.ts). */
export function usesCustomFields(where: Where, keys: readonly SortKey[] = []): boolean {
  if (keys.some((key) => key.custom)) return true;
  const walk = (node: unknown): boolean =>
    Array.isArray(node) ? node.some(walk) : isObject(node) && Object.entries(node).some(([k, v]) => k.startsWith('cf:') || walk(v));
  return walk(where);
}

/**
 * Compiles a GraphQL filter (or none) into a Prisma where clause; BAD_USER_INPUT names the
 * offending path (e.g. `filter.or.1.email.gt`) for unknown fields, operators or values.
 */
export function compileFilter(entity: EntitySpec, filter: unknown, path = 'filter'): Where {
  if (filter === undefined || filter === null) return {};
  return and(compileNode(entity, filter, path, 1));
}

/** Which records a list shows: live ones (default), those in the trash, or both. */
export type RecordState = 'ACTIVE' | 'DELETED' | 'ALL';

export function stateWhere(state: RecordState | null | undefined): Where {
  if (state === 'DELETED') return { deletedAt: { not: null } };
  if (state === 'ALL') return {};
  return { deletedAt: null };
}

export interface SortKey {
  column: string;
  kind: FieldKind;
  nullable: boolean;
  desc: boolean;
  custom?: CustomFieldRef;
}

/** Validated `orderBy` plus the `id` tie-break; the default is newest first. */
export function sortKeys(entity: EntitySpec, orderBy: readonly OrderInput[] | null | undefined): SortKey[] {
  const entries = orderBy?.length ? orderBy : [{ field: 'CREATED_AT', direction: 'DESC' as const }];
  if (entries.length > MAX_ORDER_FIELDS) throw badInput(`orderBy: at most ${MAX_ORDER_FIELDS} fields`, 'orderBy');
  const keys: SortKey[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const custom = entry.customField != null;
    if (custom === (entry.field != null)) throw badInput(`orderBy.${index}: give either field or customField`, `orderBy.${index}`);
    const path = `orderBy.${index}.${custom ? 'customField' : 'field'}`;
    const label = custom ? entry.customField! : entry.field!;
    const name = custom ? undefined : entity.sortFields[label];
    const spec = custom ? entity.customFields?.[label] : name ? entity.fields[name] : undefined;
    if (!spec) throw badInput(`${path}: ${entity.name} cannot be sorted by ${custom ? 'custom field ' : ''}${label}`, path);
    if (spec.kind === 'optionList') throw badInput(`${path}: a multi-select field cannot be sorted by`, path);
    if (seen.has(spec.column)) throw badInput(`${path}: ${label} is listed twice`, path);
    seen.add(spec.column);
    keys.push({ column: spec.column, kind: spec.kind, nullable: spec.nullable, desc: entry.direction === 'DESC', custom: spec.custom });
  });
  if (!seen.has('id')) keys.push({ column: 'id', kind: 'id', nullable: false, desc: keys[0]!.desc });
  return keys;
}

/** Prisma `orderBy` for the keys, read forwards or backwards; empty values sort last going forwards. */
export function prismaOrder(keys: SortKey[], backwards: boolean): Where[] {
  return keys.map((key) => {
    const sort = key.desc !== backwards ? 'desc' : 'asc';
    return { [key.column]: key.nullable ? { sort, nulls: backwards ? 'first' : 'last' } : sort };
  });
}

const signature = (keys: SortKey[]) => keys.map((key) => `${key.column}:${key.desc ? 'd' : 'a'}`).join(',');

/** The value a row sorts by under `key` (a custom field's from the row's `customFields`). */
function sortValue(key: SortKey, row: object): unknown {
  if (!key.custom) return (row as Record<string, unknown>)[key.column];
  const fields = (row as { customFields?: unknown }).customFields;
  const value = isObject(fields) ? fields[key.custom.key] : undefined;
  if (key.custom.read === 'amount') return isObject(value) && typeof value.amountMinor === 'string' ? Number(value.amountMinor) : null;
  return value;
}

export function encodeCursor(keys: SortKey[], row: object): string {
  const values = keys.map((key) => {
    const value = sortValue(key, row);
    return value instanceof Date ? value.toISOString() : typeof value === 'bigint' ? value.toString() : (value ?? null);
  });
  return Buffer.from(JSON.stringify({ k: signature(keys), v: values })).toString('base64url');
}

function decodeCursor(keys: SortKey[], cursor: string, argument: 'after' | 'before'): unknown[] {
  const invalid = () => badInput(`${argument} is not a cursor of this list and ordering`, argument);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!isObject(parsed) || parsed.k !== signature(keys) || !Array.isArray(parsed.v) || parsed.v.length !== keys.length) throw invalid();
  return keys.map((key, index) => {
    const value = (parsed.v as unknown[])[index];
    if (value === null) {
      if (!key.nullable) throw invalid();
      return null;
    }
    try {
      return scalarValue({ column: key.column, kind: key.kind, nullable: key.nullable, values: undefined }, value, argument);
    } catch {
      if ((key.kind === 'enum' || key.kind === 'optionList') && typeof value === 'string') return value;
      throw invalid();
    }
  });
}

/** Rows strictly after (or before) the cursor row in the forward order of `keys`. */
function seek(keys: SortKey[], values: unknown[], after: boolean, index = 0): Where {
  const key = keys[index]!;
  const value = values[index];
  const col = key.column;
  const last = index === keys.length - 1;
  const rest = () => seek(keys, values, after, index + 1);
  const beyond = { [col]: { [key.desc === after ? 'lt' : 'gt']: value } };
  if (after) {
    if (value === null) return last ? { id: { in: [] } } : { AND: [{ [col]: null }, rest()] };
    if (last) return beyond;
    const ors: Where[] = [beyond, { AND: [{ [col]: value }, rest()] }];
    if (key.nullable) ors.push({ [col]: null });
    return { OR: ors };
  }
  if (value === null) return { OR: [{ [col]: { not: null } }, ...(last ? [] : [{ AND: [{ [col]: null }, rest()] }])] };
  if (last) return beyond;
  return { OR: [beyond, { AND: [{ [col]: value }, rest()] }] };
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface PagePlan {
  /** Cursor conditions to AND with the filter. */
  where: Where[];
  orderBy: Where[];
  /** Rows to fetch: the page size plus one to learn whether more exist. */
  take: number;
  size: number;
  backwards: boolean;
}

function checkSize(value: number, argument: 'first' | 'last'): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_PAGE_SIZE) throw badInput(`${argument} must be between 0 and ${MAX_PAGE_SIZE}`, argument);
  return value;
}

/** Validates Relay arguments (`first`/`after` or `last`/`before`, at most 100) into a query plan. */
export function planPage(keys: SortKey[], args: PageArgs): PagePlan {
  if (args.first != null && args.last != null) throw badInput('Pass either first or last, not both', 'last');
  const backwards = args.last != null;
  const size = backwards ? checkSize(args.last!, 'last') : checkSize(args.first ?? DEFAULT_PAGE_SIZE, 'first');
  const where: Where[] = [];
  if (args.after) where.push(seek(keys, decodeCursor(keys, args.after, 'after'), true));
  if (args.before) where.push(seek(keys, decodeCursor(keys, args.before, 'before'), false));
  return { where, orderBy: prismaOrder(keys, backwards), take: size + 1, size, backwards };
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  /** Records matching the filter, all pages together (counted only when asked for). */
  count: () => Promise<number>;
}

/**
 * Turns fetched rows (`take` of them, in query order) into a Relay page. `hasPreviousPage` going
 * forwards (and `hasNextPage` going backwards) reports whether a cursor was given.
 */
export function toPage<T extends object>(keys: SortKey[], plan: PagePlan, rows: T[], args: PageArgs, count: () => Promise<number>): Page<T> {
  const more = rows.length > plan.size;
  const kept = rows.slice(0, plan.size);
  if (plan.backwards) kept.reverse();
  const edges = kept.map((node) => ({ cursor: encodeCursor(keys, node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: plan.backwards ? Boolean(args.before) : more,
      hasPreviousPage: plan.backwards ? more : Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    count,
  };
}

/** Validates a `groupBy` field into its Prisma column. */
export function groupColumn(entity: EntitySpec, field: string): string {
  const name = entity.groupFields[field];
  const spec = name ? entity.fields[name] : undefined;
  if (!spec) throw badInput(`field: ${entity.name} cannot be grouped by ${field}`, 'field');
  return spec.column;
}

/** What a group count groups by: a column, or one of the tenant's custom fields. */
export type GroupKey = { column: string; custom?: undefined } | { column: string; custom: CustomFieldRef; kind: FieldKind };

/**
 * Validates `groupBy` arguments: exactly one of `field` (a groupable field) and `customField` (the
 * key of a live custom field; a multi-select field counts a record once under each of its options,
 * currency fields cannot be grouped by).
 */
export function groupKey(entity: EntitySpec, args: { field?: string | null; customField?: string | null }): GroupKey {
  if ((args.field == null) === (args.customField == null)) throw badInput('give either field or customField', args.field == null ? 'field' : 'customField');
  if (args.field != null) return { column: groupColumn(entity, args.field) };
  const spec = entity.customFields?.[args.customField!];
  if (!spec?.custom) throw badInput(`customField: ${entity.name} has no custom field ${args.customField}`, 'customField');
  if (spec.custom.read === 'amount') throw badInput('customField: a currency field cannot be grouped by', 'customField');
  return { column: spec.column, custom: spec.custom, kind: spec.kind };
}
