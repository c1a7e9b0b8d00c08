/**
 * A deal's page, opened from its card on the board: its fields (edited in place, with the API's
 * CONFLICT explained), stage history, products and line items, the people on it and its
 * activities.
 */
import { RecordTimeline } from '../components/record-timeline.tsx';
import { useQuery } from '@apollo/client/react';
import { DealActivities } from '../components/deal/deal-activities.tsx';
import { DealDetails } from '../components/deal/deal-details.tsx';
import { DealLineItems } from '../components/deal/deal-line-items.tsx';
import { DealPeople } from '../components/deal/deal-people.tsx';
import { formatDateTime } from '../components/activity-list.tsx';
import { Link } from '../components/link.tsx';
import { Empty, LoadError, Loading } from '../components/states.tsx';
import type { DealQuery as DealQueryResult } from '../gql/graphql';
import { durationLabel } from '../lib/duration.ts';
import { enumLabel } from '../lib/labels.ts';
import { formatMoney } from '../lib/money.ts';
import { DealQuery, PipelinesQuery } from '../operations.ts';
import { useSession } from '../session.ts';

type StageChange = NonNullable<DealQueryResult['deal']>['stageHistory'][number];

export function DealScreen({ id }: { id: string }) {
  const { data, loading, error, refetch } = useQuery(DealQuery, { variables: { id } });
  const pipelines = useQuery(PipelinesQuery);
  const session = useSession();
  const reload = () => refetch();

  if (loading && !data) return <Loading>Loading deal…</Loading>;
  if (error && !data) return <LoadError error={error} onRetry={() => void refetch().catch(() => undefined)} />;
  const deal = data?.deal;
  if (!deal) {
    return (
      <div className="screen">
        <Empty>This deal does not exist or you cannot see it.</Empty>
        <Link href="/">Back to the deals board</Link>
      </div>
    );
  }
  const stages = pipelines.data?.pipelines.find((p) => p.id === deal.pipeline.id)?.stages ?? [];
  const stageName = (stageId: string | null) => stages.find((s) => s.id === stageId)?.name ?? null;

  return (
    <div className="screen record">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Deals</Link> <span aria-hidden="true">/</span> <span>{deal.pipeline.name}</span> <span aria-hidden="true">/</span> <span>{deal.name}</span>
      </nav>
      <div className="toolbar">
        <h1>{deal.name}</h1>
        <span className="badge">{deal.stage.name}</span>
        {deal.status !== 'OPEN' ? <span className="badge">{enumLabel(deal.status)}</span> : null}
        {deal.isStale ? <span className="badge stale">Stale</span> : null}
        <span className="amount-large">{formatMoney(deal.amount, deal.currency)}</span>
      </div>
      <div className="record-grid">
        <DealDetails deal={deal} reload={reload} stageName={stageName} />
        <StageHistory changes={deal.stageHistory} />
        <DealLineItems deal={deal} reload={reload} />
        <DealPeople deal={deal} />
        <DealActivities dealId={deal.id} activities={deal.activities} currentUserId={session?.user.id ?? ''} reload={reload} />
        <RecordTimeline record="deal" id={deal.id} />
      </div>
    </div>
  );
}

function StageHistory({ changes }: { changes: readonly StageChange[] }) {
  return (
    <section className="card" aria-labelledby="deal-history">
      <h2 id="deal-history">Stage history</h2>
      {changes.length === 0 ? (
        <Empty>No stage changes recorded.</Empty>
      ) : (
        <ol className="history">
          {changes.map((change, index) => (
            <li key={`${change.changedAt}-${index}`}>
              {change.fromStage ? (
                <>
                  {change.fromStage.name} <span aria-label="to">→</span> <strong>{change.toStage.name}</strong>
                </>
              ) : (
                <>
                  Created in <strong>{change.toStage.name}</strong>
                </>
              )}
              <p className="muted">
                {formatDateTime(change.changedAt)}
                {change.changedBy ? ` · ${change.changedBy.name}` : ''}
                {change.secondsInFromStage !== null ? ` · after ${durationLabel(change.secondsInFromStage)} in ${change.fromStage?.name ?? 'the previous stage'}` : ''}
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
