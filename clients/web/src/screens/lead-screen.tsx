/**
 * A lead's page: its fields, and for an open lead the conversion into a contact, an account and a
 * deal (the lead then shows as converted).
 */
import { RecordTimeline } from '../components/record-timeline.tsx';
import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { ConvertLeadDialog } from '../components/convert-lead-dialog.tsx';
import { Link } from '../components/link.tsx';
import { Empty, LoadError, Loading } from '../components/states.tsx';
import { enumLabel, formatDate } from '../lib/labels.ts';
import { canConvert } from '../lib/lead-conversion.ts';
import { LeadQuery } from '../operations.ts';

export function LeadScreen({ id }: { id: string }) {
  const { data, loading, error, refetch } = useQuery(LeadQuery, { variables: { id } });
  const [converting, setConverting] = useState(false);

  if (loading && !data) return <Loading>Loading lead…</Loading>;
  if (error && !data) return <LoadError error={error} onRetry={() => void refetch().catch(() => undefined)} />;
  const lead = data?.lead;
  if (!lead) {
    return (
      <div className="screen">
        <Empty>This lead does not exist or you cannot see it.</Empty>
        <Link href="/leads">Back to leads</Link>
      </div>
    );
  }
  const fields: Array<[string, string]> = [
    ['Email', lead.email ?? '—'],
    ['Company', lead.company ?? '—'],
    ['Source', lead.source ?? '—'],
    ['Status', enumLabel(lead.status)],
    ['Score', String(lead.score)],
    ['Owner', lead.owner?.name ?? '—'],
    ['Created', formatDate(lead.createdAt)],
  ];
  return (
    <div className="screen record">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/leads">Leads</Link> <span aria-hidden="true">/</span> <span>{lead.name}</span>
      </nav>
      <div className="toolbar">
        <h1>{lead.name}</h1>
        {lead.deletedAt ? <span className="badge">In the trash</span> : null}
        {!lead.deletedAt && canConvert(lead.status) && !converting ? (
          <button type="button" className="primary" onClick={() => setConverting(true)}>
            Convert…
          </button>
        ) : null}
      </div>
      {converting ? (
        <ConvertLeadDialog
          lead={lead}
          onClose={() => {
            setConverting(false);
            void refetch().catch(() => undefined);
          }}
        />
      ) : null}
      <section className="card" aria-labelledby="lead-details">
        <h2 id="lead-details">Details</h2>
        <dl className="fields">
          {fields.map(([label, value]) => (
            <div className="inline-field" key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      </section>
      <RecordTimeline record="lead" id={lead.id} />
    </div>
  );
}
