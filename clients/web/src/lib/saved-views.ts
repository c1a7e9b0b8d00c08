/**
 * Saved views of the contacts, accounts and leads lists: the filters (search text and the list's
 * one choice filter), the sort and the visible columns, kept under a name.
 *
 * Views live on the server (`savedViews`, `createSavedView`, `updateSavedView`, `deleteSavedView`
 * of the platform): each belongs to the user who saved it, may be shared with the whole
 * workspace, and each user may pick one default view per list, which the list opens with. A view
 * is stored as `filter: { search, choice }`, `orderBy: [{ field, direction }]` and `columns`.
 *
 * Earlier versions of the app kept views in the browser's `localStorage`, per user and list,
 * under `crm.savedViews.v1:<userId>:<list>`. The list imports those once (see
 * {@link importLegacyViews}) and then removes them from the browser.
 */
import { listReducer, type ListAction, type ListState, type SortDirection } from './list-query.ts';

export type SavedViewList = 'contacts' | 'accounts' | 'leads';

/** The API's name of each list. */
export const API_LIST = { contacts: 'CONTACTS', accounts: 'ACCOUNTS', leads: 'LEADS' } as const satisfies Record<SavedViewList, string>;

/** A view as a list applies it. */
export interface ListView {
  id: string;
  name: string;
  search: string;
  choice: string;
  sort: { field: string; direction: SortDirection };
  /** Keys of the visible columns, in list order; empty = the list's own columns. */
  columns: string[];
  /** Seen by everyone in the workspace. */
  shared: boolean;
  /** The list opens with this view. */
  isDefault: boolean;
  /** The signed-in user may change or delete it. */
  editable: boolean;
}

/** A view as the API returns it (`filter` and `orderBy` are JSON). */
export interface ApiSavedView {
  id: string;
  name: string;
  filter: unknown;
  orderBy: unknown;
  columns: readonly string[];
  shared: boolean;
  isDefault: boolean;
  editable: boolean;
}

/** What the API stores for a view. */
export interface ViewContent {
  filter: { search: string; choice: string };
  orderBy: Array<{ field: string; direction: SortDirection }>;
  columns: string[];
}

/** Same limit as the API's. */
export const MAX_VIEW_NAME = 80;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isDirection = (value: unknown): value is SortDirection => value === 'ASC' || value === 'DESC';

/**
 * The view a list applies from the API's answer. Views saved by other clients may hold filters
 * this list does not use; only `search`, `choice` and the first order term are read, anything
 * else is ignored (an unknown sort falls back to the list's own when applied).
 */
export function viewFromApi(view: ApiSavedView): ListView {
  const filter = isRecord(view.filter) ? view.filter : {};
  const first: unknown = Array.isArray(view.orderBy) ? view.orderBy[0] : undefined;
  const sort = isRecord(first) && typeof first['field'] === 'string' ? { field: first['field'], direction: isDirection(first['direction']) ? first['direction'] : 'ASC' } : { field: '', direction: 'ASC' as const };
  return {
    id: view.id,
    name: view.name,
    search: typeof filter['search'] === 'string' ? filter['search'] : '',
    choice: typeof filter['choice'] === 'string' ? filter['choice'] : '',
    sort,
    columns: [...view.columns],
    shared: view.shared,
    isDefault: view.isDefault,
    editable: view.editable,
  };
}

export interface ViewSnapshot {
  state: ListState<string>;
  columns: readonly string[];
}

/** What to store for the list as it is on screen. */
export function viewContent(snapshot: ViewSnapshot): ViewContent {
  return {
    filter: { search: snapshot.state.search.trim(), choice: snapshot.state.choice },
    orderBy: [{ field: snapshot.state.sort.field, direction: snapshot.state.sort.direction }],
    columns: [...snapshot.columns],
  };
}

/** Views by name (any case), own and shared alike. */
export function sortViews<V extends { name: string }>(views: readonly V[]): V[] {
  return [...views].sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }));
}

/** The user's own (editable) view of that name (any case), which saving under the name replaces. */
export function viewNamed(views: readonly ListView[], name: string): ListView | undefined {
  const trimmed = name.trim();
  return views.find((v) => v.editable && v.name.localeCompare(trimmed, undefined, { sensitivity: 'base' }) === 0);
}

/** Why a view name cannot be used, or null. */
export function viewNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'Give the view a name.';
  if (trimmed.length > MAX_VIEW_NAME) return `A view name has at most ${MAX_VIEW_NAME} characters.`;
  return null;
}

/** What a list can show: its column keys (the first one is always shown) and its sort fields. */
export interface ListShape<F extends string> {
  columns: readonly string[];
  sortFields: readonly F[];
}

/**
 * The list state and columns a view gives on today's list: columns or a sort field the list no
 * longer has are left out (the list's first column is always shown; a view without columns shows
 * them all), paging starts over.
 */
export function applyView<F extends string>(
  view: Pick<ListView, 'search' | 'choice' | 'sort' | 'columns'>,
  shape: ListShape<F>,
  fallback: ListState<F>,
): { state: ListState<F>; columns: string[] } {
  const field = shape.sortFields.find((f) => f === view.sort.field);
  const known = new Set(view.columns);
  const columns = view.columns.length === 0 ? [...shape.columns] : shape.columns.filter((key, index) => index === 0 || known.has(key));
  return {
    state: { search: view.search, choice: view.choice, sort: field ? { field, direction: view.sort.direction } : fallback.sort, page: null },
    columns,
  };
}

/** The visible columns after showing or hiding `key` (the first column cannot be hidden). */
export function toggleColumn(all: readonly string[], visible: readonly string[], key: string): string[] {
  if (key === all[0]) return [...visible];
  const shown = new Set(visible);
  if (shown.has(key)) shown.delete(key);
  else shown.add(key);
  return all.filter((k, index) => index === 0 || shown.has(k));
}

export type ViewListAction<F extends string> = ListAction<F> | { type: 'apply'; state: ListState<F> };

/** {@link listReducer} plus `apply`, which replaces the whole state (picking a saved view). */
export function viewListReducer<F extends string>(state: ListState<F>, action: ViewListAction<F>): ListState<F> {
  return action.type === 'apply' ? action.state : listReducer(state, action);
}

// ---------------------------------------------------------------------------------------------
// Views kept in this browser by earlier versions of the app, imported once.

/** A view as earlier versions kept it in `localStorage`. */
export interface LegacyView {
  id: string;
  name: string;
  search: string;
  choice: string;
  sort: { field: string; direction: SortDirection };
  columns: string[];
  /** Epoch milliseconds. */
  savedAt: number;
}

/** The part of `Storage` the import needs (so specs pass a plain object). */
export type ViewStorage = Pick<Storage, 'getItem' | 'removeItem'>;

export function legacyStorageKey(userId: string, list: SavedViewList): string {
  return `crm.savedViews.v1:${userId}:${list}`;
}

function isLegacyView(value: unknown): value is LegacyView {
  if (!isRecord(value)) return false;
  const v = value as Partial<LegacyView>;
  return (
    typeof v.id === 'string' &&
    typeof v.name === 'string' &&
    typeof v.search === 'string' &&
    typeof v.choice === 'string' &&
    isRecord(v.sort) &&
    typeof v.sort.field === 'string' &&
    isDirection(v.sort.direction) &&
    Array.isArray(v.columns) &&
    v.columns.every((c) => typeof c === 'string') &&
    typeof v.savedAt === 'number'
  );
}

/** The readable views stored as `raw`; anything unreadable (hand edits, other versions) is skipped. */
export function parseLegacyViews(raw: string | null): LegacyView[] {
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  return Array.isArray(parsed) ? parsed.filter(isLegacyView) : [];
}

/** Whether there is anything under the old key (readable or not), i.e. an import is due. */
export function hasLegacyViews(storage: ViewStorage, userId: string, list: SavedViewList): boolean {
  try {
    return storage.getItem(legacyStorageKey(userId, list)) !== null;
  } catch {
    return false; // storage disabled by the browser
  }
}

/** What to create on the server for a view kept in the browser. */
export function legacyViewContent(view: LegacyView): ViewContent & { name: string } {
  return {
    name: view.name.trim().slice(0, MAX_VIEW_NAME),
    ...viewContent({ state: { search: view.search, choice: view.choice, sort: view.sort, page: null }, columns: view.columns }),
  };
}

/** How the server answered one imported view. */
export type ImportOutcome = 'created' | 'exists' | 'refused';

/**
 * Sends the views kept in this browser to the server and removes them from the browser once each
 * is there (created, or a view of that name already exists, e.g. imported from another tab) or was
 * refused as invalid. When a request fails otherwise (offline, server down) nothing is removed, so
 * the import runs again next time. Resolves to the outcomes, or null when it has to try again.
 */
export async function importLegacyViews(
  storage: ViewStorage,
  userId: string,
  list: SavedViewList,
  create: (view: ViewContent & { name: string }) => Promise<ImportOutcome>,
): Promise<ImportOutcome[] | null> {
  let raw: string | null;
  try {
    raw = storage.getItem(legacyStorageKey(userId, list));
  } catch {
    return [];
  }
  if (raw === null) return [];
  const outcomes: ImportOutcome[] = [];
  for (const view of parseLegacyViews(raw)) {
    try {
      outcomes.push(await create(legacyViewContent(view)));
    } catch {
      return null;
    }
  }
  try {
    storage.removeItem(legacyStorageKey(userId, list));
  } catch {
    // Storage disabled meanwhile: nothing left to clear.
  }
  return outcomes;
}
