/**
 * The bar shown above a list while rows are selected: how many, and what can be done to them all
 * at once (assign an owner, add a tag to contacts, move to the trash with an undo). Each record is
 * written on its own; the report says how many succeeded and lists the ones refused, with why.
 */
import type { ApolloClient } from '@apollo/client';
import { useApolloClient, useQuery } from '@apollo/client/react';
import { useId, useState, type FormEvent } from 'react';
import { errorMessage, graphQLErrorsOf } from '../lib/api-error.ts';
import {
  countOf,
  outcomesOfUpsert,
  reportSummary,
  runBulk,
  tagOf,
  withTag,
  type BulkReport,
  type ItemOutcome,
  type SelectedItem,
  type Selection,
} from '../lib/bulk-actions.ts';
import {
  BulkUpsertAccountsMutation,
  BulkUpsertContactsMutation,
  ContactRowFragment,
  DeleteAccountsMutation,
  DeleteContactsMutation,
  DeleteLeadsMutation,
  RestoreAccountsMutation,
  RestoreContactsMutation,
  RestoreLeadsMutation,
  UserOptionsQuery,
} from '../operations.ts';

export type BulkKind = 'contacts' | 'accounts' | 'leads';

/** The code and message shown for an item the API refused as a whole call. */
function describeError(error: unknown): { code: string; message: string } {
  const code = graphQLErrorsOf(error).find((e) => typeof e.extensions?.code === 'string')?.extensions?.code;
  return { code: typeof code === 'string' ? code : 'ERROR', message: errorMessage(error) };
}

const ALL_DONE = (count: number): ItemOutcome[] => Array.from({ length: count }, () => ({ ok: true }) as const);

/** The API calls behind the bar, one set per kind of record. */
interface BulkApi {
  /** Absent when the kind has no way to change the owner of existing records. */
  assign?: (items: readonly SelectedItem[], ownerId: string) => Promise<ItemOutcome[]>;
  tag?: (items: readonly SelectedItem[], tag: string) => Promise<ItemOutcome[]>;
  trash: (ids: readonly string[]) => Promise<ItemOutcome[]>;
  restore: (ids: readonly string[]) => Promise<void>;
}

function bulkApi(kind: BulkKind, client: ApolloClient): BulkApi {
  switch (kind) {
    case 'contacts':
      return {
        async assign(items, ownerId) {
          const { data } = await client.mutate({ mutation: BulkUpsertContactsMutation, variables: { inputs: items.map((i) => ({ id: i.id, ownerId })) } });
          return outcomesOfUpsert(items.length, data?.upsertContacts ?? []);
        },
        async tag(items, tag) {
          const inputs = items.map((item) => {
            // The row as loaded (and as updated by earlier writes): its tags are kept.
            const row = client.readFragment({ fragment: ContactRowFragment, fragmentName: 'ContactRow', id: client.cache.identify({ __typename: 'Contact', id: item.id }) });
            return { id: item.id, tags: withTag(row?.tags ?? [], tag) };
          });
          const { data } = await client.mutate({ mutation: BulkUpsertContactsMutation, variables: { inputs } });
          return outcomesOfUpsert(items.length, data?.upsertContacts ?? []);
        },
        async trash(ids) {
          await client.mutate({ mutation: DeleteContactsMutation, variables: { ids: [...ids] } });
          return ALL_DONE(ids.length);
        },
        async restore(ids) {
          await client.mutate({ mutation: RestoreContactsMutation, variables: { ids: [...ids] } });
        },
      };
    case 'accounts':
      return {
        async assign(items, ownerId) {
          const { data } = await client.mutate({ mutation: BulkUpsertAccountsMutation, variables: { inputs: items.map((i) => ({ id: i.id, ownerId })) } });
          return outcomesOfUpsert(items.length, data?.upsertAccounts ?? []);
        },
        async trash(ids) {
          await client.mutate({ mutation: DeleteAccountsMutation, variables: { ids: [...ids] } });
          return ALL_DONE(ids.length);
        },
        async restore(ids) {
          await client.mutate({ mutation: RestoreAccountsMutation, variables: { ids: [...ids] } });
        },
      };
    case 'leads':
      // `upsertLeads` sets the owner of leads it creates only; leads are assigned by the tenant's rules.
      return {
        async trash(ids) {
          await client.mutate({ mutation: DeleteLeadsMutation, variables: { ids: [...ids] } });
          return ALL_DONE(ids.length);
        },
        async restore(ids) {
          await client.mutate({ mutation: RestoreLeadsMutation, variables: { ids: [...ids] } });
        },
      };
  }
}

interface Result {
  summary: string;
  report: BulkReport;
  /** Records moved to the trash by the action, which Undo takes out again. */
  trashed: SelectedItem[];
}

export interface BulkActionBarProps {
  kind: BulkKind;
  selection: Selection;
  onClear: () => void;
  /** Takes records out of the selection (those moved to the trash). */
  onRemove: (ids: readonly string[]) => void;
  /** Called after records were changed, so that the list is loaded again. */
  onChanged: () => void;
}

export function BulkActionBar({ kind, selection, onClear, onRemove, onChanged }: BulkActionBarProps) {
  const client = useApolloClient();
  const api = bulkApi(kind, client);
  const id = useId();
  const [busy, setBusy] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const [undone, setUndone] = useState<string | null>(null);
  const [tagError, setTagError] = useState<string | null>(null);
  const users = useQuery(UserOptionsQuery, { skip: !api.assign || selection.size === 0 });
  const items = [...selection.values()];

  async function run(label: string, done: string, send: (chunk: readonly SelectedItem[]) => Promise<readonly ItemOutcome[]>, trash = false) {
    setBusy(label);
    setUndone(null);
    try {
      const report = await runBulk(items, send, describeError);
      const trashed = trash ? items.filter((i) => report.succeeded.includes(i.id)) : [];
      setResult({ summary: reportSummary(report, kind, done), report, trashed });
      if (trash) onRemove(report.succeeded);
      if (report.succeeded.length > 0) onChanged();
    } finally {
      setBusy(null);
      setConfirming(false);
    }
  }

  function onAssign(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const ownerId = new FormData(event.currentTarget).get('ownerId');
    if (!api.assign || typeof ownerId !== 'string' || ownerId === '') return;
    const assign = api.assign;
    void run('assign', 'assigned', (chunk) => assign(chunk, ownerId));
  }

  function onTag(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const tag = tagOf(String(new FormData(form).get('tag') ?? ''));
    if (!tag) {
      setTagError('Enter a tag to add.');
      return;
    }
    setTagError(null);
    if (!api.tag) return;
    const addTag = api.tag;
    void run('tag', `tagged “${tag}”`, (chunk) => addTag(chunk, tag)).then(() => form.reset());
  }

  async function onUndo(trashed: readonly SelectedItem[]) {
    setBusy('undo');
    try {
      const report = await runBulk(trashed, async (chunk) => {
        await api.restore(chunk.map((i) => i.id));
        return ALL_DONE(chunk.length);
      }, describeError);
      setResult(null);
      setUndone(reportSummary(report, kind, 'restored'));
      if (report.succeeded.length > 0) onChanged();
    } finally {
      setBusy(null);
    }
  }

  const running = busy !== null;
  if (selection.size === 0 && !result && !undone) return null;
  const activeUsers = (users.data?.users ?? []).filter((u) => u.active);

  return (
    <section className="card bulk-bar" aria-label={`Bulk actions on ${kind}`} aria-busy={running}>
      {selection.size > 0 ? (
        <div className="bulk-actions">
          <p className="bulk-count" aria-live="polite">
            <strong>{countOf(selection.size, kind)} selected</strong>
          </p>
          {api.assign ? (
            <form className="bulk-form" aria-label="Assign owner" onSubmit={onAssign}>
              <label htmlFor={`${id}-owner`}>Owner</label>
              <select id={`${id}-owner`} name="ownerId" required disabled={running || users.loading} defaultValue="">
                <option value="" disabled>
                  {users.loading ? 'Loading people…' : users.error ? 'People could not be loaded' : 'Choose a person'}
                </option>
                {activeUsers.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </select>
              <button type="submit" disabled={running}>
                {busy === 'assign' ? 'Assigning…' : 'Assign owner'}
              </button>
            </form>
          ) : (
            <p className="hint bulk-note">Leads get their owner from the assignment rules; the owner of an existing lead cannot be changed in bulk.</p>
          )}
          {api.tag ? (
            <form className="bulk-form" aria-label="Add tag" onSubmit={onTag} noValidate>
              <label htmlFor={`${id}-tag`}>Tag</label>
              <input id={`${id}-tag`} name="tag" autoComplete="off" disabled={running} aria-invalid={tagError ? true : undefined} aria-describedby={tagError ? `${id}-tag-error` : undefined} />
              <button type="submit" disabled={running}>
                {busy === 'tag' ? 'Tagging…' : 'Add tag'}
              </button>
              {tagError ? (
                <span id={`${id}-tag-error`} className="field-error" role="alert">
                  {tagError}
                </span>
              ) : null}
            </form>
          ) : null}
          {confirming ? (
            <div className="bulk-confirm" role="group" aria-label="Confirm moving to the trash">
              <span>Move {countOf(selection.size, kind)} to the trash?</span>
              <button type="button" className="danger" disabled={running} onClick={() => void run('trash', 'moved to the trash', (chunk) => api.trash(chunk.map((i) => i.id)), true)}>
                {busy === 'trash' ? 'Moving…' : 'Move to trash'}
              </button>
              <button type="button" disabled={running} onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          ) : (
            <button type="button" className="danger" disabled={running} onClick={() => setConfirming(true)}>
              Delete…
            </button>
          )}
          <button type="button" className="link-button" disabled={running} onClick={onClear}>
            Clear selection
          </button>
        </div>
      ) : null}
      <div role="status" className="bulk-result">
        {result ? (
          <>
            <p>
              {result.summary}
              {result.trashed.length > 0 ? (
                <>
                  {' '}
                  <button type="button" disabled={running} onClick={() => void onUndo(result.trashed)}>
                    {busy === 'undo' ? 'Restoring…' : 'Undo'}
                  </button>
                </>
              ) : null}
              <button type="button" className="link-button" disabled={running} onClick={() => setResult(null)} aria-label="Dismiss the report">
                Dismiss
              </button>
            </p>
            {result.report.failures.length > 0 ? (
              <ul className="bulk-failures" aria-label="Not changed">
                {result.report.failures.map((f) => (
                  <li key={f.id}>
                    <strong>{f.name}</strong>: {f.message} <span className="muted">({f.code})</span>
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        ) : undone ? (
          <p>{undone}</p>
        ) : null}
      </div>
    </section>
  );
}
