/**
 * Tools of the contacts, accounts and leads lists: saved views (the filters, sort and visible
 * columns under a name, kept in this browser per user; see lib/saved-views.ts), the column picker,
 * and "Export CSV" of the list as filtered and sorted on screen.
 */
import { useId, useMemo, useReducer, useState, type FormEvent } from 'react';
import { graphqlHttpUrl } from '../environment.ts';
import { datedFileName, exportUrl, type ExportKind } from '../lib/file-transfer.ts';
import type { ListState } from '../lib/list-query.ts';
import {
  applyView,
  deleteView,
  loadViews,
  saveView,
  storeViews,
  toggleColumn,
  viewListReducer,
  viewNameProblem,
  type SavedView,
  type SavedViewList,
} from '../lib/saved-views.ts';
import { downloadAndSave } from '../lib/session-files.ts';
import { useAction } from '../lib/use-action.ts';
import { useSession } from '../session.ts';
import type { ListColumn } from './record-list.tsx';

interface ColumnInfo {
  key: string;
  label: string;
}

export interface ListViewToolsProps {
  list: SavedViewList;
  userId: string;
  state: ListState<string>;
  columns: readonly ColumnInfo[];
  visible: readonly string[];
  onColumnsChange: (visible: string[]) => void;
  onApply: (view: SavedView) => void;
}

/**
 * A list's state with saved views: the reducer (which can also apply a whole view), the visible
 * columns, a key that changes when a view is applied (so the search box shows the view's text),
 * and the props of {@link ListViewTools}.
 */
export function useListView<T, F extends string>(list: SavedViewList, initial: ListState<F>, columns: ReadonlyArray<ListColumn<T, F>>) {
  const userId = useSession()?.user.id ?? '';
  const [state, dispatch] = useReducer(viewListReducer<F>, initial);
  const allKeys = useMemo(() => columns.map((c) => c.key), [columns]);
  const [visible, setVisible] = useState<string[]>(allKeys);
  const [generation, setGeneration] = useState(0);

  function onApply(view: SavedView) {
    const sortFields = [...columns.flatMap((c) => (c.sortField ? [c.sortField] : [])), initial.sort.field];
    const applied = applyView(view, { columns: allKeys, sortFields }, initial);
    dispatch({ type: 'apply', state: applied.state });
    setVisible(applied.columns);
    setGeneration((g) => g + 1);
  }

  const shown = new Set(visible);
  return {
    state,
    dispatch,
    columns: columns.filter((c) => shown.has(c.key)),
    listKey: generation,
    tools: {
      list,
      userId,
      state,
      columns: columns.map((c) => ({ key: c.key, label: c.label })),
      visible,
      onColumnsChange: setVisible,
      onApply,
    } satisfies ListViewToolsProps,
  };
}

function browserStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function ListViewTools({ list, userId, state, columns, visible, onColumnsChange, onApply }: ListViewToolsProps) {
  const storage = browserStorage();
  const [views, setViews] = useState<SavedView[]>(() => (storage ? loadViews(storage, userId, list) : []));
  const [selected, setSelected] = useState('');
  const [name, setName] = useState('');
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const pickId = useId();
  const nameId = useId();
  const allKeys = columns.map((c) => c.key);

  function keep(next: SavedView[]): boolean {
    if (!storage || !storeViews(storage, userId, list, next)) {
      setMessage({ text: 'This browser does not let the app store views (storage is full or disabled).', error: true });
      return false;
    }
    setViews(next);
    return true;
  }

  function onSave(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problem = viewNameProblem(name);
    if (problem) {
      setMessage({ text: problem, error: true });
      return;
    }
    const result = saveView(views, name, { state, columns: visible }, Date.now(), () => crypto.randomUUID());
    if (keep(result.views)) {
      setSelected(result.saved.id);
      setName('');
      setMessage({ text: `Saved the view “${result.saved.name}”.`, error: false });
    }
  }

  function onPick(id: string) {
    setSelected(id);
    setMessage(null);
    const view = views.find((v) => v.id === id);
    if (view) onApply(view);
  }

  function onDelete() {
    const view = views.find((v) => v.id === selected);
    if (!view || !window.confirm(`Delete the view “${view.name}”?`)) return;
    if (keep(deleteView(views, view.id))) {
      setSelected('');
      setMessage({ text: `Deleted the view “${view.name}”.`, error: false });
    }
  }

  return (
    <div className="list-tools" role="group" aria-label="Views">
      <div className="field inline">
        <label htmlFor={pickId}>Saved view</label>
        <select id={pickId} value={selected} onChange={(e) => onPick(e.target.value)}>
          <option value="">{views.length === 0 ? 'None saved yet' : 'Choose…'}</option>
          {views.map((v) => (
            <option key={v.id} value={v.id}>
              {v.name}
            </option>
          ))}
        </select>
        {selected ? (
          <button type="button" onClick={onDelete}>
            Delete view
          </button>
        ) : null}
      </div>
      <form className="field inline" onSubmit={onSave} aria-label="Save view">
        <label htmlFor={nameId}>Save current view as</label>
        <input id={nameId} value={name} maxLength={80} onChange={(e) => setName(e.target.value)} placeholder="My customers" />
        <button type="submit">Save view</button>
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
      {message ? (
        <p className={message.error ? 'error' : 'muted'} role={message.error ? 'alert' : 'status'}>
          {message.text}
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
