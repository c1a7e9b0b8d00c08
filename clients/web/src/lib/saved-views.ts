/**
 * Saved views of the contacts, accounts and leads lists: the filters (search text and the list's
 * one choice filter), the sort and the visible columns, kept under a name.
 *
 * There is no server API for views: they are stored in the browser's `localStorage`, per user and
 * per list, under `crm.savedViews.v1:<userId>:<list>` (a JSON array). They stay on that browser
 * only and survive sign-out. Anything unreadable in storage (another version, hand edits) is
 * ignored rather than breaking the list.
 */
import { listReducer, type ListAction, type ListState, type SortDirection } from './list-query.ts';

export type SavedViewList = 'contacts' | 'accounts' | 'leads';

export interface SavedView {
  id: string;
  name: string;
  search: string;
  choice: string;
  sort: { field: string; direction: SortDirection };
  /** Keys of the visible columns, in list order. */
  columns: string[];
  /** Epoch milliseconds. */
  savedAt: number;
}

/** Views kept per list; saving one more drops the oldest. */
export const MAX_VIEWS = 50;
export const MAX_VIEW_NAME = 60;

/** The part of `Storage` views need (so specs pass a plain object). */
export type ViewStorage = Pick<Storage, 'getItem' | 'setItem'>;

export function storageKey(userId: string, list: SavedViewList): string {
  return `crm.savedViews.v1:${userId}:${list}`;
}

function isSavedView(value: unknown): value is SavedView {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<SavedView>;
  return (
    typeof v.id === 'string' &&
    typeof v.name === 'string' &&
    typeof v.search === 'string' &&
    typeof v.choice === 'string' &&
    typeof v.sort === 'object' &&
    v.sort !== null &&
    typeof v.sort.field === 'string' &&
    (v.sort.direction === 'ASC' || v.sort.direction === 'DESC') &&
    Array.isArray(v.columns) &&
    v.columns.every((c) => typeof c === 'string') &&
    typeof v.savedAt === 'number'
  );
}

/** The views stored as `raw` (the readable ones), sorted by name. */
export function parseViews(raw: string | null): SavedView[] {
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return sortByName(parsed.filter(isSavedView));
}

function sortByName(views: SavedView[]): SavedView[] {
  return [...views].sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }));
}

export function loadViews(storage: ViewStorage, userId: string, list: SavedViewList): SavedView[] {
  try {
    return parseViews(storage.getItem(storageKey(userId, list)));
  } catch {
    return []; // storage disabled by the browser
  }
}

/** Stores `views`; false when the browser refused (storage full or disabled). */
export function storeViews(storage: ViewStorage, userId: string, list: SavedViewList, views: readonly SavedView[]): boolean {
  try {
    storage.setItem(storageKey(userId, list), JSON.stringify(views));
    return true;
  } catch {
    return false;
  }
}

/** Why a view name cannot be used, or null. */
export function viewNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'Give the view a name.';
  if (trimmed.length > MAX_VIEW_NAME) return `A view name has at most ${MAX_VIEW_NAME} characters.`;
  return null;
}

export interface ViewSnapshot {
  state: ListState<string>;
  columns: readonly string[];
}

/**
 * The views after saving the current list under `name`. A view of the same name (any case) is
 * replaced and keeps its id; past {@link MAX_VIEWS} the oldest is dropped.
 */
export function saveView(views: readonly SavedView[], name: string, snapshot: ViewSnapshot, now: number, newId: () => string): { views: SavedView[]; saved: SavedView } {
  const trimmed = name.trim();
  const existing = views.find((v) => v.name.localeCompare(trimmed, undefined, { sensitivity: 'base' }) === 0);
  const saved: SavedView = {
    id: existing?.id ?? newId(),
    name: trimmed,
    search: snapshot.state.search.trim(),
    choice: snapshot.state.choice,
    sort: { field: snapshot.state.sort.field, direction: snapshot.state.sort.direction },
    columns: [...snapshot.columns],
    savedAt: now,
  };
  let rest = views.filter((v) => v.id !== saved.id);
  while (rest.length >= MAX_VIEWS) {
    const oldest = rest.reduce((a, b) => (b.savedAt < a.savedAt ? b : a));
    rest = rest.filter((v) => v !== oldest);
  }
  return { views: sortByName([...rest, saved]), saved };
}

export function deleteView(views: readonly SavedView[], id: string): SavedView[] {
  return views.filter((v) => v.id !== id);
}

/** What a list can show: its column keys (the first one is always shown) and its sort fields. */
export interface ListShape<F extends string> {
  columns: readonly string[];
  sortFields: readonly F[];
}

/**
 * The list state and columns a view gives on today's list: columns or a sort field the list no
 * longer has are left out (the list's first column is always shown), paging starts over.
 */
export function applyView<F extends string>(view: SavedView, shape: ListShape<F>, fallback: ListState<F>): { state: ListState<F>; columns: string[] } {
  const field = shape.sortFields.find((f) => f === view.sort.field);
  const known = new Set(view.columns);
  const columns = shape.columns.filter((key, index) => index === 0 || known.has(key));
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
