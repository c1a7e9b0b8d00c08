/**
 * Win rate over the last six months: won / (won + lost) per month of the deals' expected close
 * date, as a line, with the counts in a table.
 */
import { useQuery } from '@apollo/client/react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { lastMonths, overallWinRate, winRateFilters, winRateSeries } from '../../lib/dashboard-win-rate.ts';
import { DashboardWinRateQuery } from '../../operations.ts';
import { Empty, LoadError, Loading } from '../states.tsx';

const MONTHS = 6;

export function WinRateSection({ now }: { now: Date }) {
  const months = lastMonths(now, MONTHS);
  const { data, loading, error, refetch } = useQuery(DashboardWinRateQuery, { variables: winRateFilters(months), fetchPolicy: 'cache-and-network' });

  let body;
  if (loading && !data) body = <Loading>Loading the win rate…</Loading>;
  else if (error && !data) body = <LoadError error={error} onRetry={() => void refetch().catch(() => undefined)} />;
  else {
    const points = winRateSeries(months, data?.won ?? [], data?.lost ?? []);
    const overall = overallWinRate(points);
    if (overall === null) {
      body = <Empty>No deals won or lost with an expected close date in the last {MONTHS} months yet.</Empty>;
    } else {
      body = (
        <>
          <p>
            <strong className="figure">{overall} %</strong> <span className="muted">won over the last {MONTHS} months</span>
          </p>
          <div
            className="chart"
            role="img"
            aria-label={`Win rate by month: ${points.map((p) => `${p.label} ${p.rate === null ? 'no closed deals' : `${p.rate} %`}`).join(', ')}`}
          >
            <ResponsiveContainer width="100%" height={240}>
              <LineChart data={points} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="label" tick={{ fontSize: 12 }} />
                <YAxis domain={[0, 100]} unit="%" width={52} />
                <Tooltip formatter={(v: unknown) => (typeof v === 'number' ? `${v} %` : 'no closed deals')} />
                <Line type="monotone" dataKey="rate" name="Win rate" stroke="#15803d" strokeWidth={2} dot={{ r: 4 }} connectNulls isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
          <div className="table-scroll">
            <table className="records">
              <thead>
                <tr>
                  <th scope="col">Month</th>
                  <th scope="col">Won</th>
                  <th scope="col">Lost</th>
                  <th scope="col">Win rate</th>
                </tr>
              </thead>
              <tbody>
                {points.map((p) => (
                  <tr key={p.month}>
                    <th scope="row">{p.label}</th>
                    <td>{p.won}</td>
                    <td>{p.lost}</td>
                    <td>{p.rate === null ? '—' : `${p.rate} %`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      );
    }
  }

  return (
    <section className="card dashboard-section" aria-labelledby="chart-win-rate">
      <h2 id="chart-win-rate">Win rate over time</h2>
      {body}
    </section>
  );
}
