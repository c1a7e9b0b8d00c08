/**
 * The dashboard's charts across pipelines: forecast vs quota for the current quarter, win rate
 * over the last six months and activity by rep. The forecast is in the currency most deals are in.
 * Sales managers and admins also get the quotas of a period, which they can set there.
 */
import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { chartCurrency } from '../../lib/dashboard-forecast.ts';
import { canSetQuotas } from '../../lib/quotas.ts';
import { useSession } from '../../session.ts';
import { DashboardCurrenciesQuery } from '../../operations.ts';
import { ActivitySection } from './activity-section.tsx';
import { ForecastSection } from './forecast-section.tsx';
import { Loading } from '../states.tsx';
import { QuotaSection } from './quota-section.tsx';
import { WinRateSection } from './win-rate-section.tsx';

export function DashboardCharts({ pipelineIds }: { pipelineIds: readonly string[] }) {
  // One "now" per visit, so the periods do not shift while the screen is open.
  const [now] = useState(() => new Date());
  const { data, loading, error } = useQuery(DashboardCurrenciesQuery, { fetchPolicy: 'cache-and-network' });
  const currency = chartCurrency(data?.dealsGroupBy ?? []);
  const ready = Boolean(data) || (!loading && Boolean(error));
  const role = useSession()?.user.role;

  return (
    <div className="dashboard-charts">
      {ready ? (
        <ForecastSection currency={currency} now={now} />
      ) : (
        <section className="card dashboard-section" aria-labelledby="chart-forecast">
          <h2 id="chart-forecast">Forecast vs quota</h2>
          <Loading>Loading the forecast…</Loading>
        </section>
      )}
      {ready && canSetQuotas(role) ? <QuotaSection currency={currency} now={now} /> : null}
      <WinRateSection now={now} />
      <ActivitySection pipelineIds={pipelineIds} now={now} />
    </div>
  );
}
