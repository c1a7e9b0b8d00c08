/** A contact's page: its fields (edited in place), the accounts it works at and its relationships. */
import { RecordTimeline } from '../components/record-timeline.tsx';
import { useMutation, useQuery } from '@apollo/client/react';
import { InlineField } from '../components/inline-field.tsx';
import { Link } from '../components/link.tsx';
import { Empty, LoadError, Loading } from '../components/states.tsx';
import type { LifecycleStage, UpsertContactInput } from '../gql/graphql';
import { enumLabel, formatDate, LIFECYCLE_STAGES, optionsOf } from '../lib/labels.ts';
import { pathOf } from '../lib/route.ts';
import { saveWith } from '../lib/save-result.ts';
import { ContactQuery, UpdateContactMutation } from '../operations.ts';

export function ContactScreen({ id }: { id: string }) {
  const { data, loading, error, refetch } = useQuery(ContactQuery, { variables: { id } });
  const [update] = useMutation(UpdateContactMutation);

  if (loading && !data) return <Loading>Loading contact…</Loading>;
  if (error && !data) return <LoadError error={error} onRetry={() => void refetch().catch(() => undefined)} />;
  const contact = data?.contact;
  if (!contact) {
    return (
      <div className="screen">
        <Empty>This contact does not exist or you cannot see it.</Empty>
        <Link href="/contacts">Back to contacts</Link>
      </div>
    );
  }

  const save = (change: Omit<UpsertContactInput, 'id'>) =>
    saveWith(async () => (await update({ variables: { input: { id: contact.id, ...change } } })).data?.upsertContacts);

  return (
    <div className="screen record">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/contacts">Contacts</Link> <span aria-hidden="true">/</span> <span>{contact.name}</span>
      </nav>
      <div className="toolbar">
        <h1>{contact.name}</h1>
        {contact.deletedAt ? <span className="badge">In the trash</span> : null}
      </div>
      <div className="record-grid">
        <section className="card" aria-labelledby="contact-details">
          <h2 id="contact-details">Details</h2>
          <dl className="fields">
            <InlineField label="First name" name="firstName" value={contact.firstName} onSave={(v) => save({ firstName: v })} />
            <InlineField label="Last name" name="lastName" value={contact.lastName} onSave={(v) => save({ lastName: v })} />
            <InlineField label="Email" name="email" type="email" value={contact.email} onSave={(v) => save({ email: v })} />
            <InlineField label="Phone" name="phone" type="tel" value={contact.phone} onSave={(v) => save({ phone: v })} />
            <InlineField
              label="Lifecycle stage"
              name="lifecycleStage"
              value={contact.lifecycleStage}
              options={optionsOf(LIFECYCLE_STAGES)}
              display={enumLabel}
              onSave={(v) => save({ lifecycleStage: v as LifecycleStage })}
            />
            <div className="inline-field">
              <dt>Owner</dt>
              <dd>{contact.owner?.name ?? '—'}</dd>
            </div>
            <div className="inline-field">
              <dt>Tags</dt>
              <dd>{contact.tags.length > 0 ? contact.tags.join(', ') : '—'}</dd>
            </div>
            <div className="inline-field">
              <dt>Created</dt>
              <dd>{formatDate(contact.createdAt)}</dd>
            </div>
          </dl>
        </section>
        <section className="card" aria-labelledby="contact-accounts">
          <h2 id="contact-accounts">Accounts</h2>
          {contact.accounts.length === 0 ? (
            <Empty>Not linked to any account.</Empty>
          ) : (
            <ul className="related">
              {contact.accounts.map((a) => (
                <li key={a.id}>
                  <Link href={pathOf({ screen: 'account', id: a.id })}>{a.name}</Link>
                  <span className="muted"> {[a.industry, a.domain].filter(Boolean).join(' · ')}</span>
                </li>
              ))}
            </ul>
          )}
          <h2>Relationships</h2>
          {contact.relationships.length === 0 ? (
            <Empty>No relationships recorded.</Empty>
          ) : (
            <ul className="related">
              {contact.relationships.map((r) => (
                <li key={`${r.kind}-${r.contact.id}-${String(r.outgoing)}`}>
                  <span className="muted">{r.outgoing ? enumLabel(r.kind) : `${enumLabel(r.kind)} (of)`}</span>{' '}
                  <Link href={pathOf({ screen: 'contact', id: r.contact.id })}>{r.contact.name}</Link>
                </li>
              ))}
            </ul>
          )}
        </section>
        <RecordTimeline record="contact" id={contact.id} />
      </div>
    </div>
  );
}
