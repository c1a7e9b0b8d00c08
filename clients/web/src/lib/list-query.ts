/**
 * List views: the filter, sort and page a user picked, turned into the variables of a Relay
 * connection query (`first`/`after` forward, `last`/`before` backward, at most 100 per page).
 */

export type SortDirection = 'ASC' | 'DESC';

export interface ListState<F extends string> {
  /** Free text, matched against the list's text fields. */
  search: string;
  /** Value of the list's one enumerated filter (lifecycle stage, status); '' for any. */
  choice: string;
  sort: { field: F; direction: SortDirection };
  /** Where the page starts: the first page, after a cursor, or before one. */
  page: { after: string } | { before: string } | null;
}

export const PAGE_SIZE = 25;

export type ListAction<F extends string> =
  | { type: 'search'; search: string }
  | { type: 'choice'; choice: string }
  | { type: 'sort'; field: F }
  | { type: 'next'; endCursor: string }
  | { type: 'previous'; startCursor: string };

/**
 * Next list state. A new filter or sort starts again at the first page; sorting by the current
 * field flips the direction.
 */
export function listReducer<F extends string>(state: ListState<F>, action: ListAction<F>): ListState<F> {
  switch (action.type) {
    case 'search':
      return action.search === state.search ? state : { ...state, search: action.search, page: null };
    case 'choice':
      return action.choice === state.choice ? state : { ...state, choice: action.choice, page: null };
    case 'sort': {
      const direction: SortDirection =
        state.sort.field === action.field ? (state.sort.direction === 'ASC' ? 'DESC' : 'ASC') : 'ASC';
      return { ...state, sort: { field: action.field, direction }, page: null };
    }
    case 'next':
      return { ...state, page: { after: action.endCursor } };
    case 'previous':
      return { ...state, page: { before: action.startCursor } };
  }
}

export interface PageVariables {
  first?: number;
  after?: string;
  last?: number;
  before?: string;
}

/** Paging variables of a list state. */
export function pageVariables(page: ListState<string>['page'], size: number = PAGE_SIZE): PageVariables {
  if (page && 'before' in page) return { last: size, before: page.before };
  if (page && 'after' in page) return { first: size, after: page.after };
  return { first: size };
}

/**
 * A filter that matches `search` in any of `fields` (`{ or: [{ name: { contains } }, …] }`),
 * combined with `extra` conditions; undefined when there is nothing to filter on.
 */
export function searchFilter<T extends object>(
  search: string,
  fields: readonly string[],
  extra: readonly T[] = [],
): { and: object[] } | undefined {
  const text = search.trim();
  const parts: object[] = [...extra];
  if (text) parts.push({ or: fields.map((field) => ({ [field]: { contains: text } })) });
  return parts.length > 0 ? { and: parts } : undefined;
}
