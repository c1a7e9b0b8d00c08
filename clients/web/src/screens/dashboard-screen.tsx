/**
 * The dashboard: a pipeline's deals by stage (count, value and weighted value) from the analytics
 * read model (`pipelineSummary`), as charts and as a table with the totals. The read model follows
 * the deals' events, so it can trail the board by a moment; Refresh reads it again. Below, across
 * pipelines: forecast vs quota, win rate over time and activity by rep.
 */
import { useQuery } from '@apollo/client/react';
import { useId, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { DashboardCharts } from '../components/dashboard/dashboard-charts.tsx';
import { Link } from '../components/link.tsx';
import { Empty, LoadError, Loading } from '../components/states.tsx';
import type { PipelinesQuery } from '../gql/graphql';
import { formatDate } from '../lib/labels.ts';
import { formatMoney } from '../lib/money.ts';
import { chartNumber, currenciesOf, pipelineFigures } from '../lib/pipeline-chart.ts';
import { PipelineSummaryQuery, PipelinesQuery as PipelinesDocument } from '../operations.ts';

type Pipeline = PipelinesQuery['pipelines'][number];

const COLORS = { count: '#4f46e5', value: '#0f766e', weighted: '#f59e0b' };

export function DashboardScreen() {
  const { data, loading, error, refetch } = useQuery(PipelinesDocument);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const pickerId = useId();
  const pipelines = data?.pipelines ?? [];
  const pipeline = pipelines.find((p) => p.id === selectedId) ?? pipelines[0] ?? null;

  return (
    <div className="screen dashboard">
      <div className="toolbar">
        <h1>Dashboard</h1>
        {pipelines.length > 1 ? (
          <div className="field inline">
            <label htmlFor={pickerId}>Pipeline</label>
            <select id={pickerId} value={pipeline?.id ?? ''} onChange={(event) => setSelectedId(event.target.value)}>
              {pipelines.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
        ) : pipeline ? (
          <span className="muted">{pipeline.name}</span>
        ) : null}
      </div>
      {loading && !data ? (
        <Loading>Loading pipelines…</Loading>
      ) : error && !data ? (
        <LoadError error={error} onRetry={() => void refetch().catch(() => undefined)} />
      ) : pipeline ? (
        <PipelineDashboard key={pipeline.id} pipeline={pipeline} />
      ) : (
        <Empty>There are no pipelines in this workspace yet, so there is nothing to chart. An admin can create one through the API.</Empty>
      )}
      {data ? <DashboardCharts pipelineIds={pipelines.map((p) => p.id)} /> : null}
    </div>
  );
}

function PipelineDashboard({ pipeline }: { pipeline: Pipeline }) {
  const { data, loading, error, refetch } = useQuery(PipelineSummaryQuery, { variables: { pipelineId: pipeline.id }, fetchPolicy: 'cache-and-network' });
  const [chosenCurrency, setChosenCurrency] = useState<string | null>(null);
  const currencyId = useId();

  if (loading && !data) return <Loading>Loading the pipeline summary…</Loading>;
  if (error && !data) return <LoadError error={error} onRetry={() => void refetch().catch(() => undefined)} />;
  const summary = data?.pipelineSummary;
  const refresh = (
    <button type="button" onClick={() => void refetch().catch(() => undefined)} disabled={loading}>
      {loading ? 'Refreshing…' : 'Refresh'}
    </button>
  );
  if (!summary || summary.dealCount === 0) {
    return (
      <div className="card">
        <Empty>
          No deals in {pipeline.name} yet. Add deals on the <Link href="/">deals board</Link> and they will be charted here by stage.
        </Empty>
        {refresh}
      </div>
    );
  }

  const currencies = currenciesOf(summary.amounts);
  const currency = chosenCurrency && currencies.includes(chosenCurrency) ? chosenCurrency : (currencies[0] ?? 'USD');
  const figures = pipelineFigures(summary.stages, currency);
  const chartRows = figures.rows.map((r) => ({ name: r.name, deals: r.dealCount, value: chartNumber(r.value), weighted: chartNumber(r.weighted) }));
  const money = (v: unknown) => formatMoney(String(typeof v === 'number' ? v : 0), currency);

  return (
    <>
      <div className="board-status">
        <p className="muted">{summary.updatedAt ? `Updated ${formatDate(summary.updatedAt)}` : null}</p>
        {currencies.length > 1 ? (
          <div className="field inline">
            <label htmlFor={currencyId}>Currency</label>
            <select id={currencyId} value={currency} onChange={(e) => setChosenCurrency(e.target.value)}>
              {currencies.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </div>
        ) : null}
        {refresh}
      </div>
      <ul className="tiles" aria-label="Pipeline totals">
        <li className="card tile">
          <span className="muted">Open deals</span>
          <strong>{figures.openDeals}</strong>
        </li>
        <li className="card tile">
          <span className="muted">Open pipeline</span>
          <strong>{formatMoney(figures.openValue, currency)}</strong>
        </li>
        <li className="card tile">
          <span className="muted">Weighted pipeline</span>
          <strong>{formatMoney(figures.weightedValue, currency)}</strong>
        </li>
        <li className="card tile">
          <span className="muted">Won</span>
          <strong>{formatMoney(figures.wonValue, currency)}</strong>
        </li>
      </ul>
      <div className="record-grid">
        <section className="card" aria-labelledby="chart-count">
          <h2 id="chart-count">Deals by stage</h2>
          <div className="chart" role="img" aria-label={`Deals by stage: ${figures.rows.map((r) => `${r.name} ${r.dealCount}`).join(', ')}`}>
            <ResponsiveContainer width="100%" height={260}>
              <BarChart data={chartRows} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="name" tick={{ fontSize: 12 }} />
                <YAxis allowDecimals={false} width={32} />
                <Tooltip />
                <Bar dataKey="deals" name="Deals" fill={COLORS.count} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </section>
        <section className="card" aria-labelledby="chart-value">
          <h2 id="chart-value">Value and weighted value by stage ({currency})</h2>
          <div className="chart" role="img" aria-label={`Value by stage in ${currency}`}>
            <ResponsiveContainer width="100%" height={260}>
              <BarChart data={chartRows} margin={{ top: 8, right: 8, bottom: 8, left: 16 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="name" tick={{ fontSize: 12 }} />
                <YAxis tickFormatter={(v: number) => new Intl.NumberFormat(undefined, { notation: 'compact' }).format(v)} width={48} />
                <Tooltip formatter={money} />
                <Legend />
                <Bar dataKey="value" name="Value" fill={COLORS.value} isAnimationActive={false} />
                <Bar dataKey="weighted" name="Weighted" fill={COLORS.weighted} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </section>
      </div>
      <section className="card" aria-labelledby="stage-table">
        <h2 id="stage-table">Pipeline by stage</h2>
        <div className="table-scroll">
          <table className="records">
            <thead>
              <tr>
                <th scope="col">Stage</th>
                <th scope="col">Probability</th>
                <th scope="col">Deals</th>
                <th scope="col">Value</th>
                <th scope="col">Weighted</th>
              </tr>
            </thead>
            <tbody>
              {figures.rows.map((r) => (
                <tr key={r.stageId}>
                  <th scope="row">{r.name}</th>
                  <td>{r.probability}%</td>
                  <td>{r.dealCount}</td>
                  <td>{formatMoney(r.value, currency)}</td>
                  <td>{formatMoney(r.weighted, currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
