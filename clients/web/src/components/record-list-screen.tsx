/**
 * The screen around a list of contacts, accounts or leads: its title, CSV export, the form to add
 * one, saved views and columns, bulk actions on the selected rows, and the list. Each list screen
 * runs its own typed query (with `LIST_QUERY_POLICY`) and supplies its columns, filters and form.
 */
import { useReducer, useState, type ReactNode } from 'react';
import { NO_SELECTION, selectionReducer } from '../lib/bulk-actions.ts';
import { BulkActionBar, type BulkKind } from './bulk-action-bar.tsx';
import { ExportButton, ListViewTools, type useListView } from './list-view-tools.tsx';
import { RecordList, type ListPage, type RecordListProps } from './record-list.tsx';

/** One page of a list query, as the screen shows it. */
export interface RecordPage<T> {
  page: ListPage<T> | undefined;
  loading: boolean;
  error: unknown;
  retry: () => void;
}

/** How list screens run their query: what is cached shows at once and is refreshed, since records change under other people's hands. */
export const LIST_QUERY_POLICY = { fetchPolicy: 'cache-and-network', notifyOnNetworkStatusChange: true } as const;

export interface RecordListScreenProps<T extends { id: string }, F extends string> {
  kind: BulkKind;
  title: string;
  /** The button that opens the form ("New contact"). */
  newLabel: string;
  view: ReturnType<typeof useListView<T, F>>;
  filter: object | undefined;
  result: RecordPage<T>;
  searchLabel: string;
  choice: RecordListProps<T, F>['choice'];
  hrefOf: (row: T) => string;
  titleOf: (row: T) => string;
  /** The form that adds a record; `close` hides it. */
  createForm: (close: () => void) => ReactNode;
}

export function RecordListScreen<T extends { id: string }, F extends string>(props: RecordListScreenProps<T, F>) {
  const { kind, view, result } = props;
  const { state, dispatch } = view;
  const [creating, setCreating] = useState(false);
  const [selected, select] = useReducer(selectionReducer, NO_SELECTION);

  return (
    <div className="screen">
      <div className="toolbar">
        <h1>{props.title}</h1>
        <div className="toolbar-actions">
          <ExportButton kind={kind} filter={props.filter} orderBy={[state.sort]} />
          <button type="button" className="primary" aria-expanded={creating} onClick={() => setCreating((v) => !v)}>
            {creating ? 'Close' : props.newLabel}
          </button>
        </div>
      </div>
      {creating ? props.createForm(() => setCreating(false)) : null}
      <ListViewTools {...view.tools} />
      <BulkActionBar kind={kind} selection={selected} onClear={() => select({ type: 'clear' })} onRemove={(ids) => select({ type: 'remove', ids })} onChanged={result.retry} />
      <RecordList
        key={view.listKey}
        noun={kind}
        state={state}
        dispatch={dispatch}
        searchLabel={props.searchLabel}
        choice={props.choice}
        columns={view.columns}
        page={result.page}
        loading={result.loading}
        error={result.error}
        onRetry={result.retry}
        hrefOf={props.hrefOf}
        selection={{ selected, dispatch: select }}
        titleOf={props.titleOf}
      />
    </div>
  );
}
