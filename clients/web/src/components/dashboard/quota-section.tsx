/**
 * Quotas of a month or a quarter, for sales managers (their team and its members) and admins
 * (anyone): the quotas set for the period, and a form to set or change a person's or a team's
 * quota (an amount in a currency, at most the currency's minor-unit decimals). The API's own
 * validation messages show under the field they name (or above the form).
 */
import { useMutation, useQuery } from '@apollo/client/react';
import { useId, useState, type FormEvent } from 'react';
import { fieldErrorsOf, NO_FIELD_ERRORS, type FieldErrors } from '../../lib/field-errors.ts';
import { formatDate } from '../../lib/labels.ts';
import { formatMoney } from '../../lib/money.ts';
import {
  currencyProblem,
  parseQuotaAmount,
  periodLabel,
  periodOf,
  periodsPerYear,
  quotaRows,
  shiftPeriod,
  targetArguments,
  type QuotaPeriod,
  type QuotaPeriodKind,
  type QuotaRow,
  type QuotaTarget,
} from '../../lib/quotas.ts';
import { QuotasQuery, QuotaTargetsQuery, SetQuotaMutation } from '../../operations.ts';
import { FormErrors } from '../form-field.tsx';
import { Empty, LoadError, Loading } from '../states.tsx';

const FIELDS = ['target', 'ownerId', 'teamId', 'amount', 'currency', 'period'];

export function QuotaSection({ currency: defaultCurrency, now }: { currency: string; now: Date }) {
  const [period, setPeriod] = useState<QuotaPeriod>(() => periodOf('QUARTER', now));
  const { data, loading, error, refetch } = useQuery(QuotasQuery, { variables: { period }, fetchPolicy: 'cache-and-network' });
  const targets = useQuery(QuotaTargetsQuery);
  const [setQuota, { loading: saving }] = useMutation(SetQuotaMutation, {
    refetchQueries: [{ query: QuotasQuery, variables: { period } }, 'DashboardForecast'],
    awaitRefetchQueries: true,
  });
  const [target, setTarget] = useState<QuotaTarget | ''>('');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState(defaultCurrency);
  const [errors, setErrors] = useState<FieldErrors>(NO_FIELD_ERRORS);
  const [saved, setSaved] = useState<string | null>(null);
  const ids = { kind: useId(), index: useId(), year: useId(), target: useId(), amount: useId(), currency: useId() };

  const users = (targets.data?.users ?? []).filter((u) => u.active);
  const teams = targets.data?.teams ?? [];
  const rows = quotaRows(data?.quotas ?? [], teams);
  const label = periodLabel(period);
  const nameOf = (t: QuotaTarget | '') => rows.find((r) => r.target === t)?.name ?? [...users.map((u) => [`user:${u.id}`, u.name]), ...teams.map((x) => [`team:${x.id}`, x.name])].find(([v]) => v === t)?.[1] ?? '';

  /** Switching between months and quarters keeps the start of the period on screen. */
  function changeKind(kind: QuotaPeriodKind) {
    if (kind === period.kind) return;
    const firstMonth = period.kind === 'MONTH' ? period.index - 1 : (period.index - 1) * 3;
    setPeriod(periodOf(kind, new Date(period.year, firstMonth, 1)));
  }

  function edit(row: QuotaRow) {
    setTarget(row.target);
    setAmount(row.amount);
    setCurrency(row.currency);
    setErrors(NO_FIELD_ERRORS);
    setSaved(null);
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(null);
    const byField: Record<string, string> = {};
    if (!target) byField['target'] = 'Choose a person or a team.';
    const currencyIssue = currencyProblem(currency);
    if (currencyIssue) byField['currency'] = currencyIssue;
    const parsed = parseQuotaAmount(amount, currency);
    if ('problem' in parsed) byField['amount'] = parsed.problem;
    if (Object.keys(byField).length > 0 || !target || 'problem' in parsed) {
      setErrors({ byField, general: [] });
      return;
    }
    setErrors(NO_FIELD_ERRORS);
    try {
      await setQuota({ variables: { ...targetArguments(target), period, amount: parsed.amount, currency: currency.trim().toUpperCase() } });
      setSaved(`Set the ${label} quota of ${nameOf(target)} to ${formatMoney(parsed.amount, currency.trim().toUpperCase())}.`);
      setAmount('');
    } catch (failure) {
      const found = fieldErrorsOf(failure, FIELDS);
      const { ownerId, teamId, ...rest } = found.byField;
      const targetError = ownerId ?? teamId;
      setErrors({ byField: targetError ? { ...rest, target: targetError } : rest, general: found.general });
    }
  }

  let table;
  if (loading && !data) table = <Loading>Loading quotas…</Loading>;
  else if (error && !data) table = <LoadError error={error} onRetry={() => void refetch().catch(() => undefined)} />;
  else if (rows.length === 0) table = <Empty>No quotas set for {label} yet.</Empty>;
  else {
    table = (
      <div className="table-scroll">
        <table className="records" aria-label={`Quotas for ${label}`}>
          <thead>
            <tr>
              <th scope="col">For</th>
              <th scope="col">Quota</th>
              <th scope="col">Changed</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <th scope="row">
                  {row.name}
                  {row.kind === 'team' ? <span className="muted"> (team)</span> : null}
                </th>
                <td>{formatMoney(row.amount, row.currency)}</td>
                <td>{formatDate(row.updatedAt)}</td>
                <td>
                  <button type="button" onClick={() => edit(row)} aria-label={`Change the quota of ${row.name}`}>
                    Change
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }

  const fieldError = (name: 'target' | 'amount' | 'currency') =>
    errors.byField[name] ? (
      <p id={`${ids[name]}-error`} className="field-error">
        {errors.byField[name]}
      </p>
    ) : null;

  return (
    <section className="card dashboard-section" aria-labelledby="quota-heading">
      <h2 id="quota-heading">Quotas</h2>
      <div className="toolbar" role="group" aria-label="Quota period">
        <div className="field inline">
          <label htmlFor={ids.kind}>Period</label>
          <select id={ids.kind} value={period.kind} onChange={(e) => changeKind(e.target.value === 'MONTH' ? 'MONTH' : 'QUARTER')}>
            <option value="QUARTER">Quarter</option>
            <option value="MONTH">Month</option>
          </select>
          <label htmlFor={ids.index} className="visually-hidden">
            {period.kind === 'MONTH' ? 'Month' : 'Quarter'}
          </label>
          <select id={ids.index} value={period.index} onChange={(e) => setPeriod({ ...period, index: Number(e.target.value) })}>
            {Array.from({ length: periodsPerYear(period.kind) }, (_, i) => i + 1).map((index) => (
              <option key={index} value={index}>
                {period.kind === 'MONTH' ? periodLabel({ kind: 'MONTH', year: period.year, index }).replace(/\s*\d{4}$/, '') : `Q${index}`}
              </option>
            ))}
          </select>
          <label htmlFor={ids.year} className="visually-hidden">
            Year
          </label>
          <input id={ids.year} type="number" min={2000} max={2100} value={period.year} onChange={(e) => setPeriod({ ...period, year: Number(e.target.value) || period.year })} />
          <button type="button" onClick={() => setPeriod(shiftPeriod(period, -1))} aria-label="Previous period">
            ‹
          </button>
          <button type="button" onClick={() => setPeriod(shiftPeriod(period, 1))} aria-label="Next period">
            ›
          </button>
        </div>
      </div>
      {table}
      <form className="quota-form" onSubmit={(e) => void onSubmit(e)} aria-label={`Set a quota for ${label}`} noValidate>
        <h3>Set a quota for {label}</h3>
        <FormErrors messages={errors.general} />
        <div className="field">
          <label htmlFor={ids.target}>For</label>
          <select
            id={ids.target}
            value={target}
            onChange={(e) => setTarget(e.target.value as QuotaTarget | '')}
            aria-invalid={errors.byField['target'] ? true : undefined}
            aria-describedby={errors.byField['target'] ? `${ids.target}-error` : undefined}
          >
            <option value="">Choose…</option>
            {teams.length > 0 ? (
              <optgroup label="Teams">
                {teams.map((t) => (
                  <option key={t.id} value={`team:${t.id}`}>
                    {t.name}
                  </option>
                ))}
              </optgroup>
            ) : null}
            <optgroup label="People">
              {users.map((u) => (
                <option key={u.id} value={`user:${u.id}`}>
                  {u.name}
                </option>
              ))}
            </optgroup>
          </select>
          {fieldError('target')}
        </div>
        <div className="field">
          <label htmlFor={ids.amount}>Amount</label>
          <input
            id={ids.amount}
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            placeholder="48000.00"
            aria-invalid={errors.byField['amount'] ? true : undefined}
            aria-describedby={errors.byField['amount'] ? `${ids.amount}-error` : undefined}
          />
          {fieldError('amount')}
        </div>
        <div className="field">
          <label htmlFor={ids.currency}>Currency</label>
          <input
            id={ids.currency}
            value={currency}
            maxLength={3}
            size={4}
            onChange={(e) => setCurrency(e.target.value.toUpperCase())}
            aria-invalid={errors.byField['currency'] ? true : undefined}
            aria-describedby={errors.byField['currency'] ? `${ids.currency}-error` : undefined}
          />
          {fieldError('currency')}
        </div>
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : 'Set quota'}
        </button>
        {saved ? (
          <p className="muted" role="status">
            {saved}
          </p>
        ) : null}
      </form>
    </section>
  );
}
