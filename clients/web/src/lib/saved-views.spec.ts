import { describe, expect, it } from 'vitest';
import type { ListState } from './list-query.ts';
import {
  applyView,
  hasLegacyViews,
  importLegacyViews,
  legacyStorageKey,
  legacyViewContent,
  parseLegacyViews,
  sortViews,
  toggleColumn,
  viewContent,
  viewFromApi,
  viewListReducer,
  viewNamed,
  viewNameProblem,
  type ImportOutcome,
  type LegacyView,
  type ListView,
  type ViewStorage,
} from './saved-views.ts';

type Field = 'LAST_NAME' | 'EMAIL' | 'CREATED_AT';
const INITIAL: ListState<Field> = { search: '', choice: '', sort: { field: 'CREATED_AT', direction: 'DESC' }, page: null };
const COLUMNS = ['name', 'email', 'account', 'stage', 'owner', 'created'];

function memory(entries: Record<string, string> = {}): ViewStorage & { data: Map<string, string> } {
  const data = new Map(Object.entries(entries));
  return { data, getItem: (key) => data.get(key) ?? null, removeItem: (key) => void data.delete(key) };
}

function view(overrides: Partial<ListView> = {}): ListView {
  return { id: 'v', name: 'Customers', search: '', choice: 'CUSTOMER', sort: { field: 'EMAIL', direction: 'ASC' }, columns: ['name', 'email'], shared: false, isDefault: false, editable: true, ...overrides };
}

function legacy(overrides: Partial<LegacyView> = {}): LegacyView {
  return { id: 'l', name: 'Old view', search: 'ada', choice: '', sort: { field: 'EMAIL', direction: 'DESC' }, columns: ['name'], savedAt: 1, ...overrides };
}

describe('saved views', () => {
  it('stores the trimmed search, the choice, the sort and the visible columns', () => {
    const state: ListState<Field> = { search: ' ada ', choice: 'CUSTOMER', sort: { field: 'EMAIL', direction: 'ASC' }, page: { after: 'c1' } };
    expect(viewContent({ state, columns: ['name', 'email'] })).toEqual({
      filter: { search: 'ada', choice: 'CUSTOMER' },
      orderBy: [{ field: 'EMAIL', direction: 'ASC' }],
      columns: ['name', 'email'],
    });
  });

  it('reads the API’s views, ignoring what this list does not use', () => {
    const base = { id: 'a', name: 'A', columns: ['name'], shared: true, isDefault: true, editable: false };
    expect(viewFromApi({ ...base, filter: { search: 'x', choice: 'LEAD', owner: 'me' }, orderBy: [{ field: 'EMAIL', direction: 'DESC' }, { field: 'NAME' }] })).toEqual({
      ...base,
      search: 'x',
      choice: 'LEAD',
      sort: { field: 'EMAIL', direction: 'DESC' },
    });
    expect(viewFromApi({ ...base, filter: [1], orderBy: 'nope' })).toMatchObject({ search: '', choice: '', sort: { field: '', direction: 'ASC' } });
    expect(viewFromApi({ ...base, filter: { search: 3 }, orderBy: [{ field: 'NAME', direction: 'SIDEWAYS' }] })).toMatchObject({ search: '', sort: { field: 'NAME', direction: 'ASC' } });
  });

  it('sorts by name and finds the user’s own view of a name, any case', () => {
    const views = [view({ id: 'z', name: 'zeta' }), view({ id: 'a', name: 'Alpha' }), view({ id: 's', name: 'Shared', editable: false, shared: true })];
    expect(sortViews(views).map((v) => v.id)).toEqual(['a', 's', 'z']);
    expect(viewNamed(views, ' ZETA ')?.id).toBe('z');
    expect(viewNamed(views, 'shared')).toBeUndefined();
  });

  it('refuses empty and overlong names', () => {
    expect(viewNameProblem('  ')).toMatch(/name/);
    expect(viewNameProblem('x'.repeat(81))).toMatch(/80/);
    expect(viewNameProblem('Fine')).toBeNull();
  });

  it('applies a view to today’s list, leaving out columns and sort fields it no longer has', () => {
    const applied = applyView(view({ columns: ['email', 'gone', 'owner'], sort: { field: 'REMOVED', direction: 'ASC' } }), { columns: COLUMNS, sortFields: ['LAST_NAME', 'EMAIL', 'CREATED_AT'] as Field[] }, INITIAL);
    expect(applied.columns).toEqual(['name', 'email', 'owner']);
    expect(applied.state).toEqual({ search: '', choice: 'CUSTOMER', sort: INITIAL.sort, page: null });
    const sorted = applyView(view(), { columns: COLUMNS, sortFields: ['EMAIL'] as Field[] }, INITIAL);
    expect(sorted.state.sort).toEqual({ field: 'EMAIL', direction: 'ASC' });
    expect(applyView(view({ columns: [] }), { columns: COLUMNS, sortFields: [] as Field[] }, INITIAL).columns).toEqual(COLUMNS);
  });

  it('shows and hides columns in list order, never the first', () => {
    expect(toggleColumn(COLUMNS, ['name', 'email', 'owner'], 'email')).toEqual(['name', 'owner']);
    expect(toggleColumn(COLUMNS, ['name', 'owner'], 'account')).toEqual(['name', 'account', 'owner']);
    expect(toggleColumn(COLUMNS, ['name', 'owner'], 'name')).toEqual(['name', 'owner']);
  });

  it('applies a whole state with the list reducer', () => {
    const next: ListState<Field> = { search: 'x', choice: 'LEAD', sort: { field: 'EMAIL', direction: 'ASC' }, page: null };
    expect(viewListReducer(INITIAL, { type: 'apply', state: next })).toBe(next);
    expect(viewListReducer(INITIAL, { type: 'search', search: 'ada' })).toMatchObject({ search: 'ada', page: null });
  });
});

describe('views kept in this browser by earlier versions', () => {
  const key = legacyStorageKey('user-1', 'contacts');

  it('reads the readable ones and turns them into what the API stores', () => {
    expect(parseLegacyViews('not json')).toEqual([]);
    expect(parseLegacyViews('{"a":1}')).toEqual([]);
    expect(parseLegacyViews(JSON.stringify([{ id: 'x' }, legacy({ id: 'ok' })])).map((v) => v.id)).toEqual(['ok']);
    expect(legacyViewContent(legacy({ name: '  Old view ' }))).toEqual({ name: 'Old view', filter: { search: 'ada', choice: '' }, orderBy: [{ field: 'EMAIL', direction: 'DESC' }], columns: ['name'] });
  });

  it('imports each view once and then removes them from the browser', async () => {
    const storage = memory({ [key]: JSON.stringify([legacy({ id: 'a', name: 'A' }), legacy({ id: 'b', name: 'B' }), legacy({ id: 'c', name: 'C' })]) });
    expect(hasLegacyViews(storage, 'user-1', 'contacts')).toBe(true);
    expect(hasLegacyViews(storage, 'user-2', 'contacts')).toBe(false);
    const sent: string[] = [];
    const answers: Record<string, ImportOutcome> = { A: 'created', B: 'exists', C: 'refused' };
    const outcomes = await importLegacyViews(storage, 'user-1', 'contacts', async (content) => {
      sent.push(content.name);
      return answers[content.name]!;
    });
    expect(sent).toEqual(['A', 'B', 'C']);
    expect(outcomes).toEqual(['created', 'exists', 'refused']);
    expect(storage.data.has(key)).toBe(false);
    expect(await importLegacyViews(storage, 'user-1', 'contacts', () => Promise.reject(new Error('not called')))).toEqual([]);
  });

  it('keeps them for the next time when the server cannot be reached, and clears unreadable ones', async () => {
    const storage = memory({ [key]: JSON.stringify([legacy()]) });
    expect(await importLegacyViews(storage, 'user-1', 'contacts', () => Promise.reject(new Error('Failed to fetch')))).toBeNull();
    expect(storage.data.has(key)).toBe(true);
    const garbled = memory({ [key]: '{broken' });
    expect(await importLegacyViews(garbled, 'user-1', 'contacts', () => Promise.reject(new Error('not called')))).toEqual([]);
    expect(garbled.data.has(key)).toBe(false);
  });

  it('does nothing when the browser refuses storage', async () => {
    const refusing: ViewStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      removeItem: () => undefined,
    };
    expect(hasLegacyViews(refusing, 'u', 'leads')).toBe(false);
    expect(await importLegacyViews(refusing, 'u', 'leads', () => Promise.reject(new Error('not called')))).toEqual([]);
  });
});
