/** An account's page: its fields (edited in place), its contacts, deals and account hierarchy. */
import { RecordTimeline } from '../components/record-timeline.tsx';
import { useMutation, useQuery } from '@apollo/client/react';
import { InlineField } from '../components/inline-field.tsx';
import { Link } from '../components/link.tsx';
import { Empty, LoadError, Loading } from '../components/states.tsx';
import type { UpsertAccountInput } from '../gql/graphql';
import { enumLabel, formatDate } from '../lib/labels.ts';
import { formatMoney } from '../lib/money.ts';
import { pathOf } from '../lib/route.ts';
import { saveWith } from '../lib/save-result.ts';
import { AccountQuery, UpdateAccountMutation } from '../operations.ts';
import { integerOrText } from './accounts-screen.tsx';

export function AccountScreen({ id }: { id: string }) {
  const { data, loading, error, refetch } = useQuery(AccountQuery, { variables: { id } });
  const [update] = useMutation(UpdateAccountMutation);

  if (loading && !data) return <Loading>Loading account…</Loading>;
  if (error && !data) return <LoadError error={error} onRetry={() => void refetch().catch(() => undefined)} />;
  const account = data?.account;
  if (!account) {
    return (
      <div className="screen">
        <Empty>This account does not exist or you cannot see it.</Empty>
        <Link href="/accounts">Back to accounts</Link>
      </div>
    );
  }

  const save = (change: Omit<UpsertAccountInput, 'id'>) =>
    saveWith(async () => (await update({ variables: { input: { id: account.id, ...change } } })).data?.upsertAccounts);

  return (
    <div className="screen record">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/accounts">Accounts</Link> <span aria-hidden="true">/</span> <span>{account.name}</span>
      </nav>
      <div className="toolbar">
        <h1>{account.name}</h1>
        {account.deletedAt ? <span className="badge">In the trash</span> : null}
      </div>
      <div className="record-grid">
        <section className="card" aria-labelledby="account-details">
          <h2 id="account-details">Details</h2>
          <dl className="fields">
            <InlineField label="Name" name="name" value={account.name} onSave={(v) => save({ name: v })} />
            <InlineField label="Domain" name="domain" value={account.domain} onSave={(v) => save({ domain: v })} />
            <InlineField label="Industry" name="industry" value={account.industry} onSave={(v) => save({ industry: v })} />
            <InlineField
              label="Employees"
              name="employees"
              value={account.employees === null ? null : String(account.employees)}
              onSave={async (v) => {
                const employees = integerOrText(v || null);
                return Number.isNaN(employees) ? 'Employees must be a whole number.' : save({ employees });
              }}
            />
            <div className="inline-field">
              <dt>Parent account</dt>
              <dd>{account.parent ? <Link href={pathOf({ screen: 'account', id: account.parent.id })}>{account.parent.name}</Link> : '—'}</dd>
            </div>
            <div className="inline-field">
              <dt>Owner</dt>
              <dd>{account.owner?.name ?? '—'}</dd>
            </div>
            <div className="inline-field">
              <dt>Created</dt>
              <dd>{formatDate(account.createdAt)}</dd>
            </div>
          </dl>
        </section>
        <section className="card" aria-labelledby="account-contacts">
          <h2 id="account-contacts">Contacts</h2>
          {account.contacts.length === 0 ? (
            <Empty>No contacts at this account yet.</Empty>
          ) : (
            <ul className="related">
              {account.contacts.map((c) => (
                <li key={c.id}>
                  <Link href={pathOf({ screen: 'contact', id: c.id })}>{c.name}</Link>
                  {c.email ? <span className="muted"> {c.email}</span> : null}
                </li>
              ))}
            </ul>
          )}
          <h2>Deals</h2>
          {account.deals.length === 0 ? (
            <Empty>No deals with this account yet.</Empty>
          ) : (
            <ul className="related">
              {account.deals.map((d) => (
                <li key={d.id}>
                  {d.name} <span className="muted">· {formatMoney(d.amount, d.currency)} · {d.stage.name} · {enumLabel(d.status)}</span>
                </li>
              ))}
            </ul>
          )}
          {account.children.length > 0 ? (
            <>
              <h2>Subsidiaries</h2>
              <ul className="related">
                {account.children.map((c) => (
                  <li key={c.id}>
                    <Link href={pathOf({ screen: 'account', id: c.id })}>{c.name}</Link>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
        <RecordTimeline record="account" id={account.id} />
      </div>
    </div>
  );
}
