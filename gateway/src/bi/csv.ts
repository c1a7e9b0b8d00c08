/**
 * CSV per RFC 4180: fields separated by commas, records ended by CRLF, a field quoted with double
 * quotes when it holds a comma, a quote, CR or LF (quotes inside doubled). Rows are flattened
 * GraphQL objects: the column `account.name` reads `row.account.name`.
 */

const NEEDS_QUOTES = /[",\r\n]/;

/** One field, quoted when RFC 4180 requires it. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One record with its CRLF. */
export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** The text of one cell: empty for null, JSON for lists and objects, the value otherwise. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** The value at a dotted column of a row; undefined when an object on the way is missing. */
export function valueAt(row: unknown, column: string): unknown {
  let value: unknown = row;
  for (const key of column.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The CSV records of `rows` under `columns`; a scalar item fills the only column. */
export function csvRows(rows: readonly unknown[], columns: readonly string[], scalarItems: boolean): string {
  let out = '';
  for (const row of rows) out += csvLine(scalarItems ? [cellText(row)] : columns.map((column) => cellText(valueAt(row, column))));
  return out;
}
