/**
 * A CSV export of a persisted query, page by page: the header row, then each page's rows, asking
 * for the next page with `$after` set to the previous page's `endCursor` for as long as
 * `hasNextPage` says so. There is no row cap; a cursor seen twice ends the export (a list that
 * would otherwise loop forever).
 */
import type { GraphQLFormattedError } from '../graphql.ts';
import { csvLine, csvRows } from './csv.ts';
import { pageOf, type ListLocation } from './shape.ts';

export interface PageResult {
  data?: unknown;
  errors?: readonly GraphQLFormattedError[];
}

/** Runs the persisted query once with these variables. */
export type RunPage = (variables: Record<string, unknown>) => Promise<PageResult>;

/** A page came back with errors; the export stops and the errors are the answer. */
export class PageErrors extends Error {
  constructor(readonly errors: readonly GraphQLFormattedError[]) {
    super(errors[0]?.message ?? 'The query failed');
    this.name = 'PageErrors';
  }
}

export interface CsvExport {
  location: ListLocation;
  /** Variables of the first page. */
  variables: Record<string, unknown>;
  /** Whether the operation declares `$after`; without it only the first page is read. */
  followCursors: boolean;
  run: RunPage;
}

/** The CSV text, one chunk for the header and one per page. Throws `PageErrors` on a failed page. */
export async function* csvChunks({ location, variables, followCursors, run }: CsvExport): AsyncGenerator<string> {
  yield csvLine(location.columns);
  const seen = new Set<string>();
  let current = variables;
  for (;;) {
    const result = await run(current);
    if (result.errors?.length) throw new PageErrors(result.errors);
    const { rows, next } = pageOf(location, result.data);
    if (rows.length > 0) yield csvRows(rows, location.columns, location.scalarItems);
    if (!followCursors || next === null || seen.has(next)) return;
    seen.add(next);
    current = { ...current, after: next };
  }
}
