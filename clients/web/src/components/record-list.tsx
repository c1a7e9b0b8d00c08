/**
 * A list view of records: search and one choice filter, sortable columns, cursor pages, and the
 * loading, error and empty states. Each list screen supplies its query result and columns.
 */
import { useId, type Dispatch, type FormEvent, type ReactNode } from 'react';
import { pageSelection, type Selection, type SelectionAction } from '../lib/bulk-actions.ts';
import type { ListAction, ListState } from '../lib/list-query.ts';
import { Link } from './link.tsx';
import { Empty, LoadError, Loading } from './states.tsx';

export interface ListColumn<T, F extends string> {
  key: string;
  label: string;
  /** Sort field of the column; columns without one are not sortable. */
  sortField?: F;
  render: (row: T) => ReactNode;
}

export interface ListPage<T> {
  totalCount: number;
  nodes: readonly T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor?: string | null; endCursor?: string | null };
}

export interface RecordListProps<T extends { id: string }, F extends string> {
  /** Plural noun, lower case ("contacts"). */
  noun: string;
  state: ListState<F>;
  dispatch: Dispatch<ListAction<F>>;
  searchLabel: string;
  choice?: { label: string; options: ReadonlyArray<{ value: string; label: string }> };
  columns: ReadonlyArray<ListColumn<T, F>>;
  page: ListPage<T> | undefined;
  loading: boolean;
  error: unknown;
  onRetry: () => void;
  hrefOf: (row: T) => string;
  /** Name shown as the link of each row. */
  titleOf: (row: T) => string;
  /** When given, each row has a checkbox and the header one selects the whole page. */
  selection?: { selected: Selection; dispatch: Dispatch<SelectionAction> };
}

export function RecordList<T extends { id: string }, F extends string>(props: RecordListProps<T, F>) {
  const { noun, state, dispatch, columns, page, selection } = props;
  const id = useId();

  function onSearch(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = new FormData(event.currentTarget).get('search');
    dispatch({ type: 'search', search: typeof value === 'string' ? value : '' });
  }

  const filtered = state.search.trim() !== '' || state.choice !== '';
  return (
    <section className="record-list" aria-labelledby={`${id}-caption`}>
      <div className="filters">
        <form role="search" onSubmit={onSearch} className="search">
          <label htmlFor={`${id}-search`} className="visually-hidden">
            {props.searchLabel}
          </label>
          <input id={`${id}-search`} name="search" type="search" placeholder={props.searchLabel} defaultValue={state.search} />
          <button type="submit">Search</button>
        </form>
        {props.choice ? (
          <div className="field inline">
            <label htmlFor={`${id}-choice`}>{props.choice.label}</label>
            <select id={`${id}-choice`} value={state.choice} onChange={(e) => dispatch({ type: 'choice', choice: e.target.value })}>
              <option value="">Any</option>
              {props.choice.options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </div>

      {props.loading && !page ? (
        <Loading>Loading {noun}…</Loading>
      ) : props.error && !page ? (
        <LoadError error={props.error} onRetry={props.onRetry} />
      ) : !page || page.nodes.length === 0 ? (
        <Empty>{filtered ? `No ${noun} match these filters.` : `There are no ${noun} yet.`}</Empty>
      ) : (
        <>
          <div className="table-scroll">
            <table className="records" aria-busy={props.loading}>
              <caption id={`${id}-caption`} className="visually-hidden">
                {noun}, {page.totalCount} in all
              </caption>
              <thead>
                <tr>
                  {selection ? (
                    <th scope="col" className="select-cell">
                      <PageCheckbox
                        label={`Select all ${noun} on this page`}
                        state={pageSelection(selection.selected, page.nodes.map((r) => r.id))}
                        onChange={(selected) => selection.dispatch({ type: 'page', selected, items: page.nodes.map((r) => ({ id: r.id, name: props.titleOf(r) })) })}
                      />
                    </th>
                  ) : null}
                  {columns.map((column) => {
                    const sorted = column.sortField !== undefined && state.sort.field === column.sortField;
                    const ariaSort = sorted ? (state.sort.direction === 'ASC' ? 'ascending' : 'descending') : undefined;
                    return (
                      <th key={column.key} scope="col" aria-sort={ariaSort}>
                        {column.sortField !== undefined ? (
                          <button type="button" className="sort" onClick={() => dispatch({ type: 'sort', field: column.sortField! })}>
                            {column.label}
                            <span aria-hidden="true">{sorted ? (state.sort.direction === 'ASC' ? ' ▲' : ' ▼') : ''}</span>
                          </button>
                        ) : (
                          column.label
                        )}
                      </th>
                    );
                  })}
                </tr>
              </thead>
              <tbody>
                {page.nodes.map((row) => (
                  <tr key={row.id} className={selection?.selected.has(row.id) ? 'selected' : undefined}>
                    {selection ? (
                      <td className="select-cell">
                        <input
                          type="checkbox"
                          aria-label={`Select ${props.titleOf(row)}`}
                          checked={selection.selected.has(row.id)}
                          onChange={() => selection.dispatch({ type: 'toggle', item: { id: row.id, name: props.titleOf(row) } })}
                        />
                      </td>
                    ) : null}
                    {columns.map((column, index) => (
                      <td key={column.key} data-label={column.label}>
                        {index === 0 ? <Link href={props.hrefOf(row)}>{props.titleOf(row)}</Link> : column.render(row)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label={`Pages of ${noun}`}>
            <span className="muted">{page.totalCount} in all</span>
            <button
              type="button"
              disabled={!page.pageInfo.hasPreviousPage || !page.pageInfo.startCursor}
              onClick={() => dispatch({ type: 'previous', startCursor: page.pageInfo.startCursor! })}
            >
              ← Previous
            </button>
            <button
              type="button"
              disabled={!page.pageInfo.hasNextPage || !page.pageInfo.endCursor}
              onClick={() => dispatch({ type: 'next', endCursor: page.pageInfo.endCursor! })}
            >
              Next →
            </button>
          </nav>
        </>
      )}
    </section>
  );
}

/** The header checkbox: checked when the whole page is selected, mixed when part of it is. */
function PageCheckbox({ label, state, onChange }: { label: string; state: 'none' | 'some' | 'all'; onChange: (selected: boolean) => void }) {
  return (
    <input
      type="checkbox"
      aria-label={label}
      checked={state === 'all'}
      ref={(input) => {
        if (input) input.indeterminate = state === 'some';
      }}
      onChange={() => onChange(state !== 'all')}
    />
  );
}
