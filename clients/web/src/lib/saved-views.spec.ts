import { describe, expect, it } from 'vitest';
import type { ListState } from './list-query.ts';
import {
  applyView,
  deleteView,
  loadViews,
  MAX_VIEWS,
  parseViews,
  saveView,
  storageKey,
  storeViews,
  toggleColumn,
  viewListReducer,
  viewNameProblem,
  type SavedView,
  type ViewStorage,
} from './saved-views.ts';

type Field = 'LAST_NAME' | 'EMAIL' | 'CREATED_AT';
const INITIAL: ListState<Field> = { search: '', choice: '', sort: { field: 'CREATED_AT', direction: 'DESC' }, page: null };
const COLUMNS = ['name', 'email', 'account', 'stage', 'owner', 'created'];

function memory(): ViewStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (key) => data.get(key) ?? null, setItem: (key, value) => void data.set(key, value) };
}

let counter = 0;
const nextId = () => `v${++counter}`;

function view(overrides: Partial<SavedView> = {}): SavedView {
  return { id: 'v', name: 'Customers', search: '', choice: 'CUSTOMER', sort: { field: 'EMAIL', direction: 'ASC' }, columns: ['name', 'email'], savedAt: 1, ...overrides };
}

describe('saved views', () => {
  it('saves the filters, sort and visible columns under a trimmed name', () => {
    const state: ListState<Field> = { search: ' ada ', choice: 'CUSTOMER', sort: { field: 'EMAIL', direction: 'ASC' }, page: { after: 'c1' } };
    const { views, saved } = saveView([], '  My customers ', { state, columns: ['name', 'email'] }, 1000, nextId);
    expect(saved).toMatchObject({ name: 'My customers', search: 'ada', choice: 'CUSTOMER', sort: { field: 'EMAIL', direction: 'ASC' }, columns: ['name', 'email'], savedAt: 1000 });
    expect(views).toEqual([saved]);
  });

  it('replaces a view of the same name (any case), keeping its id, and sorts by name', () => {
    const first = saveView([], 'Zeta', { state: INITIAL, columns: COLUMNS }, 1, () => 'z').views;
    const second = saveView(first, 'alpha', { state: INITIAL, columns: COLUMNS }, 2, () => 'a').views;
    const replaced = saveView(second, 'ZETA', { state: { ...INITIAL, search: 'x' }, columns: ['name'] }, 3, () => 'never');
    expect(replaced.saved.id).toBe('z');
    expect(replaced.views.map((v) => [v.id, v.name, v.search])).toEqual([
      ['a', 'alpha', ''],
      ['z', 'ZETA', 'x'],
    ]);
  });

  it('drops the oldest view past the limit', () => {
    let views: SavedView[] = [];
    for (let i = 0; i < MAX_VIEWS; i++) views = saveView(views, `view ${i}`, { state: INITIAL, columns: COLUMNS }, 100 + i, () => `id${i}`).views;
    const { views: after } = saveView(views, 'one more', { state: INITIAL, columns: COLUMNS }, 1000, () => 'new');
    expect(after).toHaveLength(MAX_VIEWS);
    expect(after.some((v) => v.id === 'id0')).toBe(false);
    expect(after.some((v) => v.id === 'new')).toBe(true);
  });

  it('deletes a view by id', () => {
    expect(deleteView([view({ id: 'a' }), view({ id: 'b' })], 'a').map((v) => v.id)).toEqual(['b']);
  });

  it('refuses empty and overlong names', () => {
    expect(viewNameProblem('  ')).toMatch(/name/);
    expect(viewNameProblem('x'.repeat(61))).toMatch(/60/);
    expect(viewNameProblem('Fine')).toBeNull();
  });

  it('applies a view to today’s list, leaving out columns and sort fields it no longer has', () => {
    const applied = applyView(view({ columns: ['email', 'gone', 'owner'], sort: { field: 'REMOVED', direction: 'ASC' } }), { columns: COLUMNS, sortFields: ['LAST_NAME', 'EMAIL', 'CREATED_AT'] as Field[] }, INITIAL);
    expect(applied.columns).toEqual(['name', 'email', 'owner']);
    expect(applied.state).toEqual({ search: '', choice: 'CUSTOMER', sort: INITIAL.sort, page: null });
    const sorted = applyView(view(), { columns: COLUMNS, sortFields: ['EMAIL'] as Field[] }, INITIAL);
    expect(sorted.state.sort).toEqual({ field: 'EMAIL', direction: 'ASC' });
  });

  it('shows and hides columns in list order, never the first', () => {
    expect(toggleColumn(COLUMNS, ['name', 'email', 'owner'], 'email')).toEqual(['name', 'owner']);
    expect(toggleColumn(COLUMNS, ['name', 'owner'], 'account')).toEqual(['name', 'account', 'owner']);
    expect(toggleColumn(COLUMNS, ['name', 'owner'], 'name')).toEqual(['name', 'owner']);
  });

  it('stores views per user and list, and ignores what it cannot read', () => {
    const storage = memory();
    const views = [view({ id: 'a' })];
    expect(storeViews(storage, 'user-1', 'contacts', views)).toBe(true);
    expect(storage.data.has(storageKey('user-1', 'contacts'))).toBe(true);
    expect(loadViews(storage, 'user-1', 'contacts')).toEqual(views);
    expect(loadViews(storage, 'user-2', 'contacts')).toEqual([]);
    expect(loadViews(storage, 'user-1', 'leads')).toEqual([]);
    expect(parseViews('not json')).toEqual([]);
    expect(parseViews('{"a":1}')).toEqual([]);
    expect(parseViews(JSON.stringify([{ id: 'x' }, view({ id: 'ok' })])).map((v) => v.id)).toEqual(['ok']);
  });

  it('reports a browser that refuses to store', () => {
    const full: ViewStorage = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(storeViews(full, 'u', 'accounts', [view()])).toBe(false);
  });

  it('applies a whole state with the list reducer', () => {
    const next: ListState<Field> = { search: 'x', choice: 'LEAD', sort: { field: 'EMAIL', direction: 'ASC' }, page: null };
    expect(viewListReducer(INITIAL, { type: 'apply', state: next })).toBe(next);
    expect(viewListReducer(INITIAL, { type: 'search', search: 'ada' })).toMatchObject({ search: 'ada', page: null });
  });
});
