/**
 * A lead's page. The API has no mutation that changes a lead yet, so its fields are read-only
 * here.
 */
import { useQuery } from '@apollo/client/react';
import { Link } from '../components/link.tsx';
import { Empty, LoadError, Loading } from '../components/states.tsx';
import { enumLabel, formatDate } from '../lib/labels.ts';
import { LeadQuery } from '../operations.ts';

export function LeadScreen({ id }: { id: string }) {
  const { data, loading, error, refetch } = useQuery(LeadQuery, { variables: { id } });

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
      </div>
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
    </div>
  );
}
