/**
 * Tools of the contacts, accounts and leads lists: saved views (the filters, sort and visible
 * columns under a name, kept on the server per user, optionally shared with the workspace, one
 * default per list that the list opens with; see lib/saved-views.ts), the column picker, and
 * "Export CSV" of the list as filtered and sorted on screen.
 */
import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useId, useMemo, useReducer, useRef, useState, type FormEvent } from 'react';
import { graphqlHttpUrl } from '../environment.ts';
import { errorMessage, graphQLErrorsOf } from '../lib/api-error.ts';
import { datedFileName, exportUrl, type ExportKind } from '../lib/file-transfer.ts';
import type { ListState } from '../lib/list-query.ts';
import {
  API_LIST,
  applyView,
  hasLegacyViews,
  importLegacyViews,
  sortViews,
  toggleColumn,
  viewContent,
  viewFromApi,
  viewListReducer,
  viewNamed,
  viewNameProblem,
  type ListView,
  type SavedViewList,
  type ViewStorage,
} from '../lib/saved-views.ts';
import { downloadAndSave } from '../lib/session-files.ts';
import { useAction } from '../lib/use-action.ts';
import { CreateSavedViewMutation, DeleteSavedViewMutation, SavedViewsQuery, UpdateSavedViewMutation } from '../operations.ts';
import { useSession } from '../session.ts';
import type { ListColumn } from './record-list.tsx';

interface ColumnInfo {
  key: string;
  label: string;
}

interface Message {
  text: string;
  error: boolean;
}

export interface ListViewToolsProps {
  list: SavedViewList;
  state: ListState<string>;
  columns: readonly ColumnInfo[];
  visible: readonly string[];
  onColumnsChange: (visible: string[]) => void;
  onApply: (view: ListView) => void;
  /** The user's own and the workspace's shared views, by name. */
  views: readonly ListView[];
  /** The view applied last (picked, or the default the list opened with); '' for none. */
  selected: string;
  onSelect: (id: string) => void;
  /** Why the views could not be loaded, or what the import of this browser's views did. */
  notice: Message | null;
}

function browserStorage(): ViewStorage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** Imports under way, by user and list, so two mounts of a list never send the same views twice. */
const importsRunning = new Set<string>();

/**
 * A list's state with saved views: the reducer (which can also apply a whole view), the visible
 * columns, a key that changes when a view is applied (so the search box shows the view's text),
 * and the props of {@link ListViewTools}. The list opens with the user's default view once the
 * views have loaded, and views this browser kept from earlier versions are imported once.
 */
export function useListView<T, F extends string>(list: SavedViewList, initial: ListState<F>, columns: ReadonlyArray<ListColumn<T, F>>) {
  const userId = useSession()?.user.id ?? '';
  const [state, dispatch] = useReducer(viewListReducer<F>, initial);
  const allKeys = useMemo(() => columns.map((c) => c.key), [columns]);
  const [visible, setVisible] = useState<string[]>(allKeys);
  const [generation, setGeneration] = useState(0);
  const [selected, setSelected] = useState('');
  const [importNotice, setImportNotice] = useState<Message | null>(null);
  const variables = { list: API_LIST[list] };
  const { data, error } = useQuery(SavedViewsQuery, { variables });
  const client = useApolloClient();
  const [createView] = useMutation(CreateSavedViewMutation);
  const views = useMemo(() => sortViews((data?.savedViews ?? []).map(viewFromApi)), [data]);

  function onApply(view: ListView) {
    const sortFields = [...columns.flatMap((c) => (c.sortField ? [c.sortField] : [])), initial.sort.field];
    const applied = applyView(view, { columns: allKeys, sortFields }, initial);
    dispatch({ type: 'apply', state: applied.state });
    setVisible(applied.columns);
    setGeneration((g) => g + 1);
    setSelected(view.id);
  }

  // Open with the default view, once, when the views first arrive.
  const openedWithDefault = useRef(false);
  useEffect(() => {
    if (openedWithDefault.current || !data) return;
    openedWithDefault.current = true;
    const preferred = views.find((v) => v.isDefault);
    if (preferred) onApply(preferred);
    // Only the first answer counts: later refetches (after saving a view) keep what is on screen.
  }, [data]);

  // Views kept in this browser by earlier versions: sent to the server once, then removed here.
  useEffect(() => {
    const storage = browserStorage();
    const key = `${userId}:${list}`;
    if (!userId || !storage || !hasLegacyViews(storage, userId, list) || importsRunning.has(key)) return;
    importsRunning.add(key);
    void importLegacyViews(storage, userId, list, async (content) => {
      try {
        await createView({ variables: { input: { list: API_LIST[list], ...content } } });
        return 'created';
      } catch (failure) {
        const code = graphQLErrorsOf(failure)[0]?.extensions?.['code'];
        if (code === 'CONFLICT') return 'exists';
        if (code === 'BAD_USER_INPUT') return 'refused';
        throw failure;
      }
    })
      .then(async (outcomes) => {
        if (outcomes === null) return;
        const created = outcomes.filter((o) => o === 'created').length;
        if (created > 0) setImportNotice({ text: `Moved ${created} ${created === 1 ? 'view' : 'views'} saved in this browser to your account.`, error: false });
        // A fresh request: the list's first read may still be in flight, from before the views were
        // moved, and a deduplicated refetch would only get its (older) answer.
        await client.query({ query: SavedViewsQuery, variables: { list: API_LIST[list] }, fetchPolicy: 'network-only', context: { queryDeduplication: false } });
      })
      .catch(() => undefined)
      .finally(() => importsRunning.delete(key));
  }, [userId, list, createView, client]);

  const shown = new Set(visible);
  return {
    state,
    dispatch,
    columns: columns.filter((c) => shown.has(c.key)),
    listKey: generation,
    tools: {
      list,
      state,
      columns: columns.map((c) => ({ key: c.key, label: c.label })),
      visible,
      onColumnsChange: setVisible,
      onApply,
      views,
      selected,
      onSelect: setSelected,
      notice: error ? { text: `Saved views could not be loaded: ${errorMessage(error)}`, error: true } : importNotice,
    } satisfies ListViewToolsProps,
  };
}

export function ListViewTools({ list, state, columns, visible, onColumnsChange, onApply, views, selected, onSelect, notice }: ListViewToolsProps) {
  const [name, setName] = useState('');
  const [share, setShare] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);
  const action = useAction();
  const refetchQueries = [{ query: SavedViewsQuery, variables: { list: API_LIST[list] } }];
  const [createView] = useMutation(CreateSavedViewMutation, { refetchQueries, awaitRefetchQueries: true });
  const [updateView] = useMutation(UpdateSavedViewMutation, { refetchQueries, awaitRefetchQueries: true });
  const [deleteView] = useMutation(DeleteSavedViewMutation, { refetchQueries, awaitRefetchQueries: true });
  const pickId = useId();
  const nameId = useId();
  const allKeys = columns.map((c) => c.key);
  const own = views.filter((v) => !v.shared);
  const shared = views.filter((v) => v.shared);
  const current = views.find((v) => v.id === selected);
  const shownMessage = action.error ? { text: action.error, error: true } : (message ?? notice);

  async function onSave(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problem = viewNameProblem(name);
    if (problem) {
      setMessage({ text: problem, error: true });
      return;
    }
    setMessage(null);
    const content = viewContent({ state, columns: visible });
    const existing = viewNamed(views, name);
    const saved = await action.run(async () => {
      if (existing) {
        const result = await updateView({ variables: { id: existing.id, input: { name: name.trim(), ...content, shared: share } } });
        return result.data?.updateSavedView;
      }
      const result = await createView({ variables: { input: { list: API_LIST[list], name: name.trim(), ...content, shared: share } } });
      return result.data?.createSavedView;
    });
    if (saved) {
      onSelect(saved.id);
      setName('');
      setShare(false);
      setMessage({ text: `Saved the view “${saved.name}”${saved.shared ? ', shared with everyone' : ''}.`, error: false });
    }
  }

  function onPick(id: string) {
    onSelect(id);
    setMessage(null);
    action.setError(null);
    const view = views.find((v) => v.id === id);
    if (view) onApply(view);
  }

  async function onDefault(view: ListView) {
    setMessage(null);
    const done = await action.run(() => updateView({ variables: { id: view.id, input: { isDefault: !view.isDefault } } }));
    if (done) setMessage({ text: view.isDefault ? `The list no longer opens with “${view.name}”.` : `The list now opens with “${view.name}”.`, error: false });
  }

  async function onDelete(view: ListView) {
    if (!window.confirm(`Delete the view “${view.name}”${view.shared ? ' for everyone' : ''}?`)) return;
    setMessage(null);
    const done = await action.run(() => deleteView({ variables: { id: view.id } }));
    if (done) {
      onSelect('');
      setMessage({ text: `Deleted the view “${view.name}”.`, error: false });
    }
  }

  const option = (v: ListView) => (
    <option key={v.id} value={v.id}>
      {v.name}
    </option>
  );

  return (
    <div className="list-tools" role="group" aria-label="Views">
      <div className="field inline">
        <label htmlFor={pickId}>Saved view</label>
        <select id={pickId} value={current ? selected : ''} onChange={(e) => onPick(e.target.value)}>
          <option value="">{views.length === 0 ? 'None saved yet' : 'Choose…'}</option>
          {shared.length > 0 && own.length > 0 ? <optgroup label="My views">{own.map(option)}</optgroup> : own.map(option)}
          {shared.length > 0 ? <optgroup label="Shared with everyone">{shared.map(option)}</optgroup> : null}
        </select>
        {current ? (
          <>
            {current.isDefault ? <span className="badge">Default</span> : null}
            <button type="button" disabled={action.busy} onClick={() => void onDefault(current)}>
              {current.isDefault ? 'Stop opening with this view' : 'Open the list with this view'}
            </button>
            {current.editable ? (
              <button type="button" disabled={action.busy} onClick={() => void onDelete(current)}>
                Delete view
              </button>
            ) : null}
          </>
        ) : null}
      </div>
      <form className="field inline" onSubmit={(e) => void onSave(e)} aria-label="Save view">
        <label htmlFor={nameId}>Save current view as</label>
        <input id={nameId} value={name} maxLength={100} onChange={(e) => setName(e.target.value)} placeholder="My customers" />
        <label className="checkbox">
          <input type="checkbox" checked={share} onChange={(e) => setShare(e.target.checked)} />
          Share with everyone
        </label>
        <button type="submit" disabled={action.busy}>
          {action.busy ? 'Saving…' : 'Save view'}
        </button>
      </form>
      <details className="column-picker">
        <summary>Columns</summary>
        <fieldset>
          <legend className="visually-hidden">Visible columns</legend>
          {columns.map((c, index) => (
            <label key={c.key} className="checkbox">
              <input
                type="checkbox"
                checked={index === 0 || visible.includes(c.key)}
                disabled={index === 0}
                onChange={() => onColumnsChange(toggleColumn(allKeys, visible, c.key))}
              />
              {c.label}
            </label>
          ))}
        </fieldset>
      </details>
      {shownMessage ? (
        <p className={shownMessage.error ? 'error' : 'muted'} role={shownMessage.error ? 'alert' : 'status'}>
          {shownMessage.text}
        </p>
      ) : null}
    </div>
  );
}

/** Downloads the list as filtered and sorted on screen, every page of it, as CSV. */
export function ExportButton({ kind, filter, orderBy }: { kind: ExportKind; filter: object | undefined; orderBy: readonly object[] }) {
  const action = useAction();
  return (
    <>
      <button
        type="button"
        disabled={action.busy}
        onClick={() => void action.run(() => downloadAndSave(exportUrl(graphqlHttpUrl, kind, filter, orderBy), datedFileName(kind, new Date())))}
      >
        {action.busy ? 'Exporting…' : 'Export CSV'}
      </button>
      {action.error ? (
        <span className="error" role="alert">
          {action.error}
        </span>
      ) : null}
    </>
  );
}
