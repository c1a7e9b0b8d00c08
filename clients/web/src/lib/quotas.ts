/**
 * Quotas on the dashboard: the period a manager looks at (a month or a quarter), the rows of the
 * quotas set for it (a user's or a team's, by name), and the amount check done before asking the
 * API, which takes amounts as decimal strings in the quota's currency. An amount may have at most
 * the currency's minor-unit decimals (2 for USD, 0 for JPY, 3 for BHD); the API checks the same,
 * and refuses currencies it does not support with its own message.
 */

export type QuotaPeriodKind = 'MONTH' | 'QUARTER';

export interface QuotaPeriod {
  kind: QuotaPeriodKind;
  year: number;
  /** 1..12 for a month, 1..4 for a quarter. */
  index: number;
}

/** Sales managers (for their team) and admins (for anyone) set quotas. */
export function canSetQuotas(role: string | undefined): boolean {
  return role === 'SALES_MANAGER' || role === 'TENANT_ADMIN' || role === 'SYSTEM_ADMIN';
}

/** The month or quarter `now` falls in (local calendar). */
export function periodOf(kind: QuotaPeriodKind, now: Date): QuotaPeriod {
  const month = now.getMonth();
  return { kind, year: now.getFullYear(), index: kind === 'MONTH' ? month + 1 : Math.floor(month / 3) + 1 };
}

/** How many periods of the kind a year has. */
export const periodsPerYear = (kind: QuotaPeriodKind): number => (kind === 'MONTH' ? 12 : 4);

/** `Q4 2026`, or `November 2026` in the user's language. */
export function periodLabel(period: QuotaPeriod, locale?: string): string {
  if (period.kind === 'QUARTER') return `Q${period.index} ${period.year}`;
  return new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(period.year, period.index - 1, 1));
}

/** The same kind of period, `step` periods later (earlier when negative). */
export function shiftPeriod(period: QuotaPeriod, step: number): QuotaPeriod {
  const size = periodsPerYear(period.kind);
  const zeroBased = period.year * size + (period.index - 1) + step;
  return { kind: period.kind, year: Math.floor(zeroBased / size), index: (zeroBased % size) + 1 };
}

/** Decimals of the currency's minor unit (2 for USD, 0 for JPY); 2 for codes this browser does not know. */
export function minorUnitsOf(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Why a currency code cannot be used, or null (whether it is supported is the API's answer). */
export function currencyProblem(currency: string): string | null {
  return /^[A-Za-z]{3}$/.test(currency.trim()) ? null : 'Enter a three-letter currency code such as USD.';
}

/**
 * The amount as the API takes it (`"48000.00"` → `"48000.00"`, `"48,000"` → `"48000"`), or a
 * message saying what is wrong with it.
 */
export function parseQuotaAmount(input: string, currency: string): { amount: string } | { problem: string } {
  let text = input.trim().replace(/\s/g, '');
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) text = text.replace(/,/g, '');
  if (text === '') return { problem: 'Enter an amount.' };
  if (text.startsWith('-')) return { problem: 'A quota cannot be negative.' };
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return { problem: 'Enter the amount as a number such as 48000.00.' };
  const decimals = (match[2] ?? '').replace(/0+$/, '').length;
  const allowed = minorUnitsOf(currency.trim().toUpperCase());
  if (decimals > allowed) {
    const code = currency.trim().toUpperCase();
    return { problem: allowed === 0 ? `${code} amounts are whole numbers.` : `${code} amounts have at most ${allowed} decimals.` };
  }
  return { amount: text };
}

export interface QuotaLike {
  id: string;
  owner?: { id: string; name: string } | null;
  teamId?: string | null;
  amount: string;
  currency: string;
  updatedAt: string;
}

/** Whom a quota is for, as the form's select names it: `user:<id>` or `team:<id>`. */
export type QuotaTarget = `user:${string}` | `team:${string}`;

export interface QuotaRow {
  id: string;
  target: QuotaTarget;
  /** The user's or team's name (`Unknown team` when the team is gone). */
  name: string;
  kind: 'user' | 'team';
  amount: string;
  currency: string;
  updatedAt: string;
}

/** The quotas of a period as table rows: teams first, then people, each by name. */
export function quotaRows(quotas: readonly QuotaLike[], teams: ReadonlyArray<{ id: string; name: string }>): QuotaRow[] {
  const teamNames = new Map(teams.map((t) => [t.id, t.name]));
  const rows = quotas.flatMap((q): QuotaRow[] => {
    if (q.teamId) {
      return [{ id: q.id, target: `team:${q.teamId}`, name: teamNames.get(q.teamId) ?? 'Unknown team', kind: 'team', amount: q.amount, currency: q.currency, updatedAt: q.updatedAt }];
    }
    if (q.owner) {
      return [{ id: q.id, target: `user:${q.owner.id}`, name: q.owner.name, kind: 'user', amount: q.amount, currency: q.currency, updatedAt: q.updatedAt }];
    }
    return [];
  });
  return rows.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'team' ? -1 : 1));
}

/** The `setQuota` arguments naming the target. */
export function targetArguments(target: QuotaTarget): { ownerId: string | null; teamId: string | null } {
  const [kind, id] = [target.slice(0, 4), target.slice(5)];
  return kind === 'team' ? { ownerId: null, teamId: id } : { ownerId: id, teamId: null };
}
