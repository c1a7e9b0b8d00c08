/**
 * Activity by rep: activities logged on deals in the last 30 days per assignee, done and open.
 * The API lists activities per record, so they are read per pipeline from its deals (the first
 * 100 deals of each, 25 activities each, as the task list does).
 */
import { useApolloClient } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { activityByRep, type RepActivityRow } from '../../lib/dashboard-activity.ts';
import { PipelineActivitiesQuery } from '../../operations.ts';
import { Empty, LoadError, Loading } from '../states.tsx';

const DAYS = 30;

type State = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ready'; rows: RepActivityRow[] };

export function ActivitySection({ pipelineIds, now }: { pipelineIds: readonly string[]; now: Date }) {
  const client = useApolloClient();
  const [state, setState] = useState<State>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const key = pipelineIds.join(',');
  const nowTime = now.getTime();

  useEffect(() => {
    let live = true;
    setState({ status: 'loading' });
    Promise.all(
      key
        .split(',')
        .filter(Boolean)
        .map((pipelineId) => client.query({ query: PipelineActivitiesQuery, variables: { pipelineId }, fetchPolicy: 'network-only' })),
    )
      .then((results) => {
        if (!live) return;
        const deals = results.flatMap((r) => r.data?.deals ?? []);
        setState({ status: 'ready', rows: activityByRep(deals, new Date(nowTime), DAYS) });
      })
      .catch((error: unknown) => {
        if (live) setState({ status: 'error', error });
      });
    return () => {
      live = false;
    };
  }, [client, key, nowTime, attempt]);

  let body;
  if (state.status === 'loading') body = <Loading>Loading activities…</Loading>;
  else if (state.status === 'error') body = <LoadError error={state.error} onRetry={() => setAttempt((n) => n + 1)} />;
  else if (state.rows.length === 0) body = <Empty>No activities logged on deals in the last {DAYS} days.</Empty>;
  else {
    const rows = state.rows;
    body = (
      <>
        <div className="chart" role="img" aria-label={`Activities in the last ${DAYS} days: ${rows.map((r) => `${r.name} ${r.total}`).join(', ')}`}>
          <ResponsiveContainer width="100%" height={Math.max(160, rows.length * 40 + 60)}>
            <BarChart data={rows} layout="vertical" margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" horizontal={false} />
              <XAxis type="number" allowDecimals={false} />
              <YAxis type="category" dataKey="name" width={110} tick={{ fontSize: 12 }} />
              <Tooltip />
              <Legend />
              <Bar dataKey="done" name="Done" stackId="activities" fill="#15803d" maxBarSize={28} isAnimationActive={false} />
              <Bar dataKey="open" name="Open" stackId="activities" fill="#f59e0b" maxBarSize={28} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
        <ul className="activity-by-rep" aria-label="Activities by rep">
          {rows.map((r) => (
            <li key={r.id ?? 'unassigned'}>
              <span>{r.name}</span> <strong>{r.total}</strong> <span className="muted">({r.done} done, {r.open} open)</span>
            </li>
          ))}
        </ul>
      </>
    );
  }

  return (
    <section className="card dashboard-section" aria-labelledby="chart-activity">
      <h2 id="chart-activity">Activity by rep, last {DAYS} days</h2>
      {body}
      <p className="muted">Counts activities about deals (up to 100 deals per pipeline), by assignee.</p>
    </section>
  );
}
