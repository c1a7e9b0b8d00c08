/**
 * SQL for list queries that reach into custom fields, which Prisma's query API cannot filter or
 * sort by. The compiled filter (the same `Where` tree `list-query.ts` gives Prisma) is turned into
 * a parameterized SQL condition: column names come only from the entity specs, custom field keys
 * only from the tenant's definitions, and every value (keys included) is a bound parameter.
 */
import { Prisma } from '../__generated__/prisma/client.ts';
import type { CustomFieldRef, EntitySpec, FieldSpec, SortKey, Where } from '@crm/db/list-query';

/** Database table of each record type (Prisma model names, unmapped). */
export type RecordTable = 'Account' | 'Contact' | 'Lead';

/** Relation filters the DSL emits (`EntitySpec.relations[*].wrap`), as joins through `AccountContact`. */
const RELATIONS: Record<string, { from: RecordTable; via: string; to: RecordTable; own: string; other: string }> = {
  'Account.contacts': { from: 'Account', via: 'contact', to: 'Contact', own: 'accountId', other: 'contactId' },
  'Contact.accounts': { from: 'Contact', via: 'account', to: 'Account', own: 'contactId', other: 'accountId' },
};

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9]*$/;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A quoted column of `alias`; only plain identifiers from the specs ever get here. */
function column(alias: string, name: string): Prisma.Sql {
  if (!IDENTIFIER.test(name) || !IDENTIFIER.test(alias)) throw new Error(`Unexpected column ${alias}.${name}`);
  return Prisma.raw(`${alias}."${name}"`);
}

/** The SQL expression of a custom field's value, cast for comparison. */
export function customExpr(alias: string, ref: CustomFieldRef): Prisma.Sql {
  const json = column(alias, 'customFields');
  switch (ref.read) {
    case 'text':
      return Prisma.sql`(${json} ->> ${ref.key}::text)`;
    case 'number':
      return Prisma.sql`(${json} ->> ${ref.key}::text)::numeric`;
    case 'amount':
      return Prisma.sql`(${json} -> ${ref.key}::text ->> 'amountMinor')::numeric`;
    case 'date':
      return Prisma.sql`(${json} ->> ${ref.key}::text)::date`;
    case 'boolean':
      return Prisma.sql`(${json} ->> ${ref.key}::text)::boolean`;
    case 'list':
      return Prisma.sql`(${json} -> ${ref.key}::text)`;
  }
}

/** A bound value with the cast that matches the custom field's expression. */
function customParam(ref: CustomFieldRef, value: unknown): Prisma.Sql {
  switch (ref.read) {
    case 'number':
    case 'amount':
      return Prisma.sql`${value}::numeric`;
    case 'date':
      return Prisma.sql`${value}::date`;
    case 'boolean':
      return Prisma.sql`${value}::boolean`;
    default:
      return Prisma.sql`${value}::text`;
  }
}

const ARRAY_CAST: Record<CustomFieldRef['read'], string> = { text: 'text[]', number: 'numeric[]', amount: 'numeric[]', date: 'date[]', boolean: 'boolean[]', list: 'text[]' };

const likePattern = (value: unknown, op: 'contains' | 'startsWith') => {
  const escaped = String(value).replace(/[\\%_]/g, (char) => `\\${char}`);
  return op === 'contains' ? `%${escaped}%` : `${escaped}%`;
};

interface Scope {
  alias: string;
  table: RecordTable;
  /** Field specs of this table by column (custom fields under `cf:<key>`). */
  columns: Map<string, FieldSpec>;
  specs: Record<RecordTable, EntitySpec>;
  depth: number;
}

export function columnsOf(spec: EntitySpec): Map<string, FieldSpec> {
  const all = [...Object.values(spec.fields), ...Object.values(spec.customFields ?? {})];
  return new Map(all.map((field) => [field.column, field]));
}

function operand(scope: Scope, name: string): { expr: Prisma.Sql; ref?: CustomFieldRef } {
  const spec = scope.columns.get(name);
  if (spec?.custom) return { expr: customExpr(scope.alias, spec.custom), ref: spec.custom };
  if (name.startsWith('cf:')) throw new Error(`Unknown custom field column ${name}`);
  return { expr: column(scope.alias, name) };
}

const value = (ref: CustomFieldRef | undefined, raw: unknown) => (ref ? customParam(ref, raw) : Prisma.sql`${raw}`);

function fieldCondition(scope: Scope, name: string, ops: unknown): Prisma.Sql {
  const { expr, ref } = operand(scope, name);
  if (ops === null) return Prisma.sql`${expr} IS NULL`;
  if (!isObject(ops) || ops instanceof Date) {
    // Equality. On a custom field this is JSON containment, which the GIN index serves.
    if (ref && ref.read !== 'amount' && ref.read !== 'list') {
      return Prisma.sql`${column(scope.alias, 'customFields')} @> ${JSON.stringify({ [ref.key]: ops })}::jsonb`;
    }
    return Prisma.sql`${expr} = ${value(ref, ops)}`;
  }
  const parts: Prisma.Sql[] = [];
  for (const [op, raw] of Object.entries(ops)) {
    switch (op) {
      case 'not':
        parts.push(raw === null ? Prisma.sql`${expr} IS NOT NULL` : Prisma.sql`${expr} <> ${value(ref, raw)}`);
        break;
      case 'in': {
        const list = raw as unknown[];
        if (list.length === 0) parts.push(Prisma.sql`FALSE`);
        else if (ref) parts.push(Prisma.sql`${expr} = ANY(${list}::${Prisma.raw(ARRAY_CAST[ref.read])})`);
        else parts.push(Prisma.sql`${expr} IN (${Prisma.join(list.map((item) => Prisma.sql`${item}`))})`);
        break;
      }
      case 'lt':
        parts.push(Prisma.sql`${expr} < ${value(ref, raw)}`);
        break;
      case 'lte':
        parts.push(Prisma.sql`${expr} <= ${value(ref, raw)}`);
        break;
      case 'gt':
        parts.push(Prisma.sql`${expr} > ${value(ref, raw)}`);
        break;
      case 'gte':
        parts.push(Prisma.sql`${expr} >= ${value(ref, raw)}`);
        break;
      case 'contains':
      case 'startsWith':
        parts.push(Prisma.sql`${expr} ILIKE ${likePattern(raw, op)}`);
        break;
      case 'mode':
        break;
      case 'has':
        parts.push(ref ? Prisma.sql`jsonb_exists(coalesce(${expr}, '[]'), ${raw}::text)` : Prisma.sql`${raw} = ANY(${expr})`);
        break;
      case 'hasSome':
        parts.push(ref ? Prisma.sql`jsonb_exists_any(coalesce(${expr}, '[]'), ${raw}::text[])` : Prisma.sql`${expr} && ${raw}::text[]`);
        break;
      case 'hasEvery':
        parts.push(ref ? Prisma.sql`jsonb_exists_all(coalesce(${expr}, '[]'), ${raw}::text[])` : Prisma.sql`${expr} @> ${raw}::text[]`);
        break;
      case 'isEmpty': {
        const size = ref ? Prisma.sql`coalesce(jsonb_array_length(${expr}), 0)` : Prisma.sql`cardinality(${expr})`;
        parts.push(raw ? Prisma.sql`${size} = 0` : Prisma.sql`${size} > 0`);
        break;
      }
      default:
        throw new Error(`Unexpected operator ${op}`);
    }
  }
  return conjunction(parts);
}

const conjunction = (parts: Prisma.Sql[]) =>
  parts.length === 0 ? Prisma.sql`TRUE` : parts.length === 1 ? parts[0]! : Prisma.sql`(${Prisma.join(parts, ' AND ')})`;

function relationCondition(scope: Scope, name: string, inner: unknown): Prisma.Sql {
  const relation = RELATIONS[`${scope.table}.${name}`];
  const some = isObject(inner) ? inner.some : undefined;
  const target = isObject(some) && relation ? some[relation.via] : undefined;
  if (!relation || !isObject(target)) throw new Error(`Unexpected relation filter ${scope.table}.${name}`);
  const link = `l${scope.depth}`;
  const alias = `r${scope.depth}`;
  const nested: Scope = { alias, table: relation.to, columns: columnsOf(scope.specs[relation.to]), specs: scope.specs, depth: scope.depth + 1 };
  return Prisma.sql`EXISTS (SELECT 1 FROM "AccountContact" ${Prisma.raw(link)} JOIN ${Prisma.raw(`"${relation.to}" ${alias}`)} ON ${Prisma.raw(`${alias}.id = ${link}."${relation.other}"`)} WHERE ${Prisma.raw(`${link}."${relation.own}" = ${scope.alias}.id`)} AND ${condition(nested, target)})`;
}

function condition(scope: Scope, where: Where): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  for (const [key, node] of Object.entries(where)) {
    if (key === 'AND') parts.push(conjunction((node as Where[]).map((part) => condition(scope, part))));
    else if (key === 'OR') {
      const list = node as Where[];
      parts.push(list.length === 0 ? Prisma.sql`FALSE` : Prisma.sql`(${Prisma.join(list.map((part) => Prisma.sql`(${condition(scope, part)})`), ' OR ')})`);
    } else if (key === 'NOT') parts.push(Prisma.sql`NOT (${condition(scope, node as Where)})`);
    else if (scope.columns.has(key) || key === 'tenantId') parts.push(fieldCondition(scope, key, node));
    else parts.push(relationCondition(scope, key, node));
  }
  return conjunction(parts);
}

/** The SQL condition of `where` on table `alias` (a record of `spec`). */
export function whereToSql(spec: EntitySpec, table: RecordTable, alias: string, where: Where, specs: Record<RecordTable, EntitySpec>): Prisma.Sql {
  return condition({ alias, table, columns: columnsOf(spec), specs: { ...specs, [table]: spec }, depth: 0 }, where);
}

/** `ORDER BY` terms for the sort keys, read forwards or backwards; empty values sort last going forwards. */
export function orderToSql(spec: EntitySpec, alias: string, keys: readonly SortKey[], backwards: boolean): Prisma.Sql {
  const columns = columnsOf(spec);
  const terms = keys.map((key) => {
    const field = columns.get(key.column);
    const expr = field?.custom ? customExpr(alias, field.custom) : column(alias, key.column);
    const desc = key.desc !== backwards;
    return Prisma.sql`${expr} ${Prisma.raw(desc ? 'DESC' : 'ASC')} ${Prisma.raw(backwards ? 'NULLS FIRST' : 'NULLS LAST')}`;
  });
  return Prisma.join(terms, ', ');
}
