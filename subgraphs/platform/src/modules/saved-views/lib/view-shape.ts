/**
 * The shape rules of a saved view's content: a name, the list's filter (a JSON object), its
 * order (`{ field, direction }` objects) and the visible columns. The platform does not know each
 * list's fields (they belong to the subgraph that owns the list), so it checks shape and size and
 * leaves the meaning to the list.
 */
import { z } from 'zod';

export const MAX_VIEW_NAME = 80;
/** Bytes of the filter as JSON. */
export const MAX_FILTER_BYTES = 8 * 1024;
export const MAX_FILTER_DEPTH = 8;
export const MAX_ORDER_TERMS = 5;
export const MAX_COLUMNS = 50;
export const MAX_COLUMN_KEY = 64;
/** Views one user may keep per list. */
export const MAX_VIEWS_PER_LIST = 100;

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const COLUMN_KEY = /^[A-Za-z0-9_.:-]+$/;

/** Nesting depth of a JSON value (a scalar is 0, `{}` and `[]` are 1). */
export function jsonDepth(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(jsonDepth));
  if (typeof value === 'object' && value !== null) return 1 + Math.max(0, ...Object.values(value).map(jsonDepth));
  return 0;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const viewName = z
  .string()
  .trim()
  .min(1, 'give the view a name')
  .max(MAX_VIEW_NAME, `a view name has at most ${MAX_VIEW_NAME} characters`);

export const viewFilter = z
  .unknown()
  .refine(isPlainObject, 'the filter must be a JSON object')
  .refine((value) => Buffer.byteLength(JSON.stringify(value), 'utf8') <= MAX_FILTER_BYTES, `the filter has at most ${MAX_FILTER_BYTES} bytes as JSON`)
  .refine((value) => jsonDepth(value) <= MAX_FILTER_DEPTH, `the filter nests at most ${MAX_FILTER_DEPTH} levels`)
  .transform((value) => value as Record<string, unknown>);

export const viewOrderBy = z
  .array(
    z.strictObject({
      field: z.string().min(1).max(MAX_COLUMN_KEY).regex(FIELD_NAME, 'an order field is a field name'),
      direction: z.enum(['ASC', 'DESC']).optional(),
    }),
    { message: 'the order must be an array of { field, direction } objects' },
  )
  .max(MAX_ORDER_TERMS, `the order has at most ${MAX_ORDER_TERMS} terms`);

export const viewColumns = z
  .array(z.string().min(1).max(MAX_COLUMN_KEY).regex(COLUMN_KEY, 'a column key has letters, digits and _ . : - only'))
  .max(MAX_COLUMNS, `a view shows at most ${MAX_COLUMNS} columns`)
  .refine((columns) => new Set(columns).size === columns.length, 'a column is listed once');

export type ViewOrderTerm = z.output<typeof viewOrderBy>[number];

/** The key that makes names unique per owner and list: trimmed, lower case. */
export const nameKeyOf = (name: string): string => name.trim().toLowerCase();
