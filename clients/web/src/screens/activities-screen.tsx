/**
 * My activities: the signed-in user's open activities that are overdue or due today. The API lists
 * activities per record, so they are gathered from the deals of every pipeline.
 */
import { useApolloClient } from '@apollo/client/react';
import { useCallback, useEffect, useState } from 'react';
import { ActivityRow } from '../components/activity-list.tsx';
import { Link } from '../components/link.tsx';
import { Empty, LoadError, Loading } from '../components/states.tsx';
import type { ActivityItemFragment } from '../gql/graphql';
import { dueActivities, type DealWithActivities, type DueActivity } from '../lib/my-activities.ts';
import { pathOf } from '../lib/route.ts';
import { PipelineActivitiesQuery, PipelinesQuery } from '../operations.ts';
import { useSession } from '../session.ts';

type State = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ready'; deals: Array<DealWithActivities<ActivityItemFragment>> };

/** The deals of every pipeline with their activities; refetched on `reload`. */
function useDealsWithActivities(): [State, () => void] {
  const client = useApolloClient();
  const [state, setState] = useState<State>({ status: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let cancelled = false;
    async function load() {
      const { data: pipelines } = await client.query({ query: PipelinesQuery, fetchPolicy: 'network-only' });
      const pages = await Promise.all(
        (pipelines?.pipelines ?? []).map((p) => client.query({ query: PipelineActivitiesQuery, variables: { pipelineId: p.id }, fetchPolicy: 'network-only' })),
      );
      return pages.flatMap((page) => page.data?.deals ?? []);
    }
    load().then(
      (deals) => !cancelled && setState({ status: 'ready', deals }),
      (error: unknown) => !cancelled && setState({ status: 'error', error }),
    );
    return () => {
      cancelled = true;
    };
  }, [client, round]);
  const reload = useCallback(() => {
    setState({ status: 'loading' });
    setRound((r) => r + 1);
  }, []);
  return [state, reload];
}

function DueList({ items, label, onCompleted }: { items: Array<DueActivity<ActivityItemFragment>>; label: string; onCompleted: () => void }) {
  return (
    <ul className="activities" aria-label={label}>
      {items.map(({ activity, deal }) => (
        <ActivityRow key={activity.id} activity={activity} about={{ href: pathOf({ screen: 'deal', id: deal.id }), name: deal.name }} onCompleted={onCompleted} />
      ))}
    </ul>
  );
}

export function ActivitiesScreen() {
  const session = useSession();
  const [state, reload] = useDealsWithActivities();
  // Read the clock once per load, so a list does not shift while it is on screen.
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    if (state.status === 'ready') setNow(new Date());
  }, [state]);

  let body;
  if (state.status === 'loading') body = <Loading>Loading your activities…</Loading>;
  else if (state.status === 'error') body = <LoadError error={state.error} onRetry={reload} />;
  else {
    const { overdue, today } = dueActivities(state.deals, session?.user.id ?? '', now);
    body = (
      <>
        <section className="card" aria-labelledby="overdue">
          <h2 id="overdue">Overdue {overdue.length > 0 ? <span className="count">{overdue.length}</span> : null}</h2>
          {overdue.length === 0 ? <Empty>Nothing overdue. Well done.</Empty> : <DueList items={overdue} label="Overdue activities" onCompleted={reload} />}
        </section>
        <section className="card" aria-labelledby="due-today">
          <h2 id="due-today">Due today {today.length > 0 ? <span className="count">{today.length}</span> : null}</h2>
          {today.length === 0 ? (
            <Empty>
              Nothing else due today. Plan work from a deal&apos;s page (open one from the <Link href="/">board</Link>).
            </Empty>
          ) : (
            <DueList items={today} label="Activities due today" onCompleted={reload} />
          )}
        </section>
      </>
    );
  }

  return (
    <div className="screen">
      <div className="toolbar">
        <h1>My activities</h1>
        <button type="button" onClick={reload} disabled={state.status === 'loading'}>
          Refresh
        </button>
      </div>
      <p className="muted">Tasks, meetings and calls on deals assigned to you that are overdue or due today.</p>
      {body}
    </div>
  );
}
