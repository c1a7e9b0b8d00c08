/**
 * Forecast vs quota for the current quarter: per owner, closed won, commit, best case and pipeline
 * stacked against the owner's quota (a marker), with attainment. Choosing a figure (a bar or a
 * button of the table) lists the deals behind it.
 */
import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { Bar, CartesianGrid, ComposedChart, Legend, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDate } from '../../lib/labels.ts';
import {
  currentQuarter,
  dealsBehind,
  FORECAST_CATEGORIES,
  forecastRows,
  formatAttainment,
  hasAnyQuota,
  isEmptyForecast,
  quarterLabel,
  type ForecastCategoryKey,
} from '../../lib/dashboard-forecast.ts';
import { formatMoney } from '../../lib/money.ts';
import { DashboardForecastQuery } from '../../operations.ts';
import { Link } from '../link.tsx';
import { Empty, LoadError, Loading } from '../states.tsx';

const COLORS: Record<ForecastCategoryKey, string> = { closedWon: '#15803d', commit: '#4f46e5', bestCase: '#0ea5e9', pipeline: '#a3a3a3' };

interface Selected {
  ownerId: string;
  category: ForecastCategoryKey;
}

/** A calendar day (`YYYY-MM-DD`) in the user's locale, read as a local date. */
function dayLabel(value: unknown): string {
  return typeof value === 'string' ? formatDate(`${value}T00:00:00`) : '—';
}

/** A short horizontal bar across the owner's column: their quota. */
function QuotaMarker(props: { cx?: number; cy?: number }) {
  const { cx, cy } = props;
  if (typeof cx !== 'number' || typeof cy !== 'number' || !Number.isFinite(cx) || !Number.isFinite(cy)) return null;
  return <line x1={cx - 40} x2={cx + 40} y1={cy} y2={cy} stroke="#dc2626" strokeWidth={3} strokeLinecap="round" />;
}

export function ForecastSection({ currency, now }: { currency: string; now: Date }) {
  const period = currentQuarter(now);
  const { data, loading, error, refetch } = useQuery(DashboardForecastQuery, { variables: { period, currency }, fetchPolicy: 'cache-and-network' });
  const [selected, setSelected] = useState<Selected | null>(null);
  const title = `Forecast vs quota, ${quarterLabel(period)} (${currency})`;

  let body;
  if (loading && !data) body = <Loading>Loading the forecast…</Loading>;
  else if (error && !data) body = <LoadError error={error} onRetry={() => void refetch().catch(() => undefined)} />;
  else {
    const forecast = data?.forecast;
    const groups = forecast?.groups ?? [];
    const rows = forecastRows(groups);
    const money = (v: unknown) => (typeof v === 'number' ? formatMoney(String(v), currency) : '—');
    if (rows.length === 0 || isEmptyForecast(rows)) {
      body = (
        <Empty>
          No deals expected to close or won in {quarterLabel(period)} in {currency}, and no quota set. Give deals an expected close date on their
          pages to see them here.
        </Empty>
      );
    } else {
      const select = (ownerId: string, category: ForecastCategoryKey) =>
        setSelected((current) => (current?.ownerId === ownerId && current.category === category ? null : { ownerId, category }));
      const selectedRow = selected ? rows.find((r) => r.id === selected.ownerId) : undefined;
      const selectedLabel = selected ? FORECAST_CATEGORIES.find((c) => c.key === selected.category)?.label : undefined;
      const deals = selected ? dealsBehind(groups, selected.ownerId, selected.category) : [];
      body = (
        <>
          {hasAnyQuota(rows) ? null : (
            <p className="notice" role="note">
              No quota set for {quarterLabel(period)} — a sales manager or an admin sets one per rep under Quotas on this dashboard; attainment shows
              once there is one.
            </p>
          )}
          <div
            className="chart"
            role="img"
            aria-label={`${title}: ${rows.map((r) => `${r.name} closed won ${money(r.closedWon)}, ${r.quota === null ? 'no quota' : `quota ${money(r.quota)}`}`).join('; ')}`}
          >
            <ResponsiveContainer width="100%" height={280}>
              <ComposedChart data={rows} margin={{ top: 8, right: 8, bottom: 8, left: 16 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="name" tick={{ fontSize: 12 }} />
                <YAxis tickFormatter={(v: number) => new Intl.NumberFormat(undefined, { notation: 'compact' }).format(v)} width={48} />
                <Tooltip formatter={money} />
                <Legend itemSorter={null} />
                {FORECAST_CATEGORIES.map(({ key, label }) => (
                  <Bar
                    key={key}
                    dataKey={key}
                    name={label}
                    stackId="forecast"
                    maxBarSize={72}
                    fill={COLORS[key]}
                    isAnimationActive={false}
                    cursor="pointer"
                    onClick={(_entry: unknown, index: number) => {
                      const row = rows[index];
                      if (row) select(row.id, key);
                    }}
                  />
                ))}
                <Scatter dataKey="quota" name="Quota" fill="#dc2626" shape={QuotaMarker} isAnimationActive={false} />
              </ComposedChart>
            </ResponsiveContainer>
          </div>
          <div className="table-scroll">
            <table className="records forecast-table">
              <thead>
                <tr>
                  <th scope="col">Owner</th>
                  {FORECAST_CATEGORIES.map(({ key, label }) => (
                    <th scope="col" key={key}>
                      {label}
                    </th>
                  ))}
                  <th scope="col">Quota</th>
                  <th scope="col">Attainment</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.id}>
                    <th scope="row">{row.name}</th>
                    {FORECAST_CATEGORIES.map(({ key, label }) => (
                      <td key={key}>
                        <button
                          type="button"
                          className="link-button"
                          aria-pressed={selected?.ownerId === row.id && selected.category === key}
                          aria-label={`${label} of ${row.name}: ${formatMoney(row.amounts[key], currency)}, show the deals`}
                          onClick={() => select(row.id, key)}
                        >
                          {formatMoney(row.amounts[key], currency)}
                        </button>
                      </td>
                    ))}
                    <td>{row.quotaAmount === null ? '—' : formatMoney(row.quotaAmount, currency)}</td>
                    <td>
                      <strong>{formatAttainment(row.attainmentPercent)}</strong>
                      {row.otherCurrencyDeals > 0 ? <span className="muted"> ({row.otherCurrencyDeals} in other currencies left out)</span> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {selected && selectedRow ? (
            <div className="forecast-deals" aria-live="polite">
              <h3>
                {selectedLabel} of {selectedRow.name}
              </h3>
              {deals.length === 0 ? (
                <p className="muted">No deals behind this figure.</p>
              ) : (
                <ul>
                  {deals.map((d) => (
                    <li key={d.id}>
                      <Link href={`/deals/${encodeURIComponent(d.id)}`}>{d.name}</Link> <span className="muted">{formatMoney(d.amount, currency)}</span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          ) : (
            <p className="muted">Choose a bar or an amount to list the deals behind it.</p>
          )}
          {forecast ? (
            <p className="muted">
              {dayLabel(forecast.period.startsOn)} – {dayLabel(forecast.period.endsOn)}: open deals by expected close date, won deals by the
              day they were won.
            </p>
          ) : null}
        </>
      );
    }
  }

  return (
    <section className="card dashboard-section" aria-labelledby="chart-forecast">
      <h2 id="chart-forecast">{title}</h2>
      {body}
    </section>
  );
}
