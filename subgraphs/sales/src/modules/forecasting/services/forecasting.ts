/**
 * Forecasting: quotas per owner or team and period, the forecast category an owner chose for a
 * deal, daily snapshots of the forecast inputs, and the forecast itself (figures per owner or
 * team, each with the deals behind it and its value a week ago).
 *
 * Who may do what: quotas are set by holders of `deal:update` at team scope (their team and its
 * members) or tenant scope (anyone); everyone reads the quotas within their deal read scope (a rep:
 * their own). A forecast covers the deals the caller may read (`dealScope`), now and in the snapshot.
 * Grouped by team, it has one group per team of the tenant for callers who read deals tenant-wide
 * (the teams come from the platform, `lib/team-directory.ts`), else the caller's own team.
 */
import { withTenantTransaction } from '@crm/db';
import { matchesScope, scopeFilter, scopeOf, type Principal } from '@crm/authz';
import { badInput, forbidden } from '@crm/runtime';
import type { Prisma, PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { ForecastCategory } from '../../../__generated__/prisma/enums.ts';
import type { QuotaModel } from '../../../__generated__/prisma/models.ts';
import type { TenantDb } from '../../../context.ts';
import { MoneyError, parseAmount, parseCurrency } from '../../deals/lib/money.ts';
import { lockDealForChange, type DealGuard } from '../../deals/services/deal-changes.ts';
import {
  attainmentPercent,
  BEST_CASE_PROBABILITY,
  categoryOf,
  COMMIT_PROBABILITY,
  checkPeriod,
  figuresOf,
  nearestWeekAgo,
  periodRange,
  PeriodError,
  type Figures,
  type ForecastInput,
  type Period,
} from '../lib/forecast-rules.ts';
import { isUuid } from '@crm/runtime';

/** Won deals older than this many days before the snapshot are left out of it (no forecast period reaches them). */
const SNAPSHOT_WON_DAYS = 800;
const DAY_MS = 86_400_000;

export const utcDay = (now: Date): Date => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

function period(input: Period): Period {
  try {
    return checkPeriod(input);
  } catch (error) {
    if (error instanceof PeriodError) throw badInput(error.message, error.field);
    throw error;
  }
}

function money(amount: string, currency: string): { amountMinor: bigint; currency: string } {
  try {
    const code = parseCurrency(currency);
    return { amountMinor: parseAmount(amount, code), currency: code };
  } catch (error) {
    if (error instanceof MoneyError) throw badInput(error.message, error.field);
    throw error;
  }
}


export interface SetQuotaInput {
  ownerId?: string | null;
  teamId?: string | null;
  period: Period;
  amount: string;
  currency: string;
}

/**
 * Whether a quota's owner (a user) or team is one of the tenant's: throws BAD_USER_INPUT naming the
 * argument when not. Asked once the caller is known to be allowed to set the quota.
 */
export type QuotaTargetCheck = (target: { ownerId: string | null; teamId: string | null }) => Promise<void>;

/**
 * Sets (or replaces) an owner's or a team's quota for a period. FORBIDDEN for callers without team
 * or tenant scope on deals, and for owners / teams outside the caller's team.
 */
export async function setQuota(db: TenantDb, who: Principal, input: SetQuotaInput, checkTarget?: QuotaTargetCheck): Promise<QuotaModel> {
  const ownerId = input.ownerId ?? null;
  const teamId = input.teamId ?? null;
  if ((ownerId === null) === (teamId === null)) throw badInput('Give exactly one of ownerId and teamId', ownerId === null ? 'ownerId' : 'teamId');
  for (const [field, value] of [['ownerId', ownerId], ['teamId', teamId]] as const) {
    if (value !== null && !isUuid(value)) throw badInput(`${field} must be an id (uuid)`, field);
  }
  const when = period(input.period);
  const { amountMinor, currency } = money(input.amount, input.currency);
  const scope = scopeOf(who, 'deal', 'update');
  if (scope !== 'team' && scope !== 'tenant' && scope !== 'global') throw forbidden('Only sales managers and admins set quotas');
  if (scope === 'team') {
    const allowed = ownerId !== null ? matchesScope(scopeFilter(who, 'deal', 'update'), { ownerId }) : teamId === who.teamId;
    if (!allowed) throw forbidden(ownerId !== null ? 'A sales manager sets the quotas of their team members only' : 'A sales manager sets their own team\'s quota only');
  }
  await checkTarget?.({ ownerId, teamId });
  const key = { ownerId, teamId, periodKind: when.kind, year: when.year, periodIndex: when.index };
  // one quota per owner (team) and period: the partial unique indexes make a concurrent second insert fail, so retry once as an update
  for (let attempt = 0; ; attempt++) {
    const existing = await db.quota.findFirst({ where: key });
    if (existing) return db.quota.update({ where: { id: existing.id }, data: { amountMinor, currency, setById: who.userId } });
    try {
      return await db.quota.create({ data: { ...key, amountMinor, currency, setById: who.userId } as Prisma.QuotaUncheckedCreateInput });
    } catch (error) {
      if (attempt > 0 || (error as { code?: string }).code !== 'P2002') throw error;
    }
  }
}

/** The quotas of a period the caller may read: their own (rep), their team's and its members' (manager), all (admin). */
export async function quotasOf(db: TenantDb, who: Principal, input: Period): Promise<QuotaModel[]> {
  const when = period(input);
  return db.quota.findMany({
    where: { periodKind: when.kind, year: when.year, periodIndex: when.index, ...quotaScope(who) },
    orderBy: [{ teamId: { sort: 'asc', nulls: 'last' } }, { ownerId: 'asc' }],
  });
}

function quotaScope(who: Principal): Prisma.QuotaWhereInput {
  const filter = scopeFilter(who, 'deal', 'read');
  switch (filter.kind) {
    case 'all':
      return {};
    case 'none':
      return { id: { in: [] } };
    case 'owners':
      return { ownerId: { in: filter.ownerIds } };
    case 'teams':
      return { OR: [{ ownerId: { in: filter.ownerIds } }, { teamId: { in: filter.teamIds } }] };
  }
}

/** Sets (or with `null` clears) the category an open deal's owner chose. The caller is authorized by the resolver. */
export async function setDealCategory(db: TenantDb, tenantId: string, who: Principal, dealId: string, category: ForecastCategory | null, guard: DealGuard): Promise<void> {
  if (!isUuid(dealId)) throw badInput('dealId must be an id (uuid)', 'dealId');
  // under the deal's pipeline lock, like every deal writer: a deal won or reassigned meanwhile is seen as it is now
  await db.$transaction(async (tx) => {
    const deal = await lockDealForChange(tx, tenantId, dealId, {}, guard);
    if (category === 'CLOSED') throw badInput('category CLOSED cannot be chosen: a deal is CLOSED when it is won', 'category');
    if (deal.status !== 'OPEN') throw badInput('category: a won or lost deal\'s category follows its outcome (reopen it first)', 'category');
    if (category === null) await tx.dealForecastCategory.deleteMany({ where: { dealId } });
    else await tx.dealForecastCategory.upsert({ where: { dealId }, create: { dealId, category, setById: who.userId } as Prisma.DealForecastCategoryUncheckedCreateInput, update: { category, setById: who.userId, setAt: new Date() } });
  });
}

/** The chosen categories of deals, by deal id (deals without a choice are absent). */
export async function chosenCategories(db: TenantDb, dealIds: readonly string[]): Promise<Map<string, ForecastCategory>> {
  if (dealIds.length === 0) return new Map();
  const rows = await db.dealForecastCategory.findMany({ where: { dealId: { in: [...dealIds] } }, select: { dealId: true, category: true } });
  return new Map(rows.map((row) => [row.dealId, row.category]));
}

/** The forecast inputs of the live deals matching `where`, with their categories, now. */
async function currentInputs(db: Pick<PrismaClient, 'deal' | 'dealForecastCategory'>, where: Prisma.DealWhereInput): Promise<ForecastInput[]> {
  const deals = await db.deal.findMany({
    where: { AND: [{ deletedAt: null }, where] },
    select: { id: true, ownerId: true, status: true, amountMinor: true, currency: true, expectedCloseDate: true, closedAt: true, stage: { select: { probability: true } } },
  });
  const chosen = deals.length === 0 ? [] : await db.dealForecastCategory.findMany({ where: { dealId: { in: deals.map((deal) => deal.id) } }, select: { dealId: true, category: true } });
  const byDeal = new Map(chosen.map((row) => [row.dealId, row.category]));
  return deals.map((deal) => ({
    dealId: deal.id,
    ownerId: deal.ownerId,
    status: deal.status,
    category: categoryOf(deal.status, deal.stage.probability, byDeal.get(deal.id)),
    amountMinor: deal.amountMinor,
    currency: deal.currency,
    probability: deal.stage.probability,
    expectedCloseDate: deal.expectedCloseDate,
    closedAt: deal.closedAt,
  }));
}

/**
 * Takes the tenant's snapshot of `day` (its open deals and recently won ones) unless one exists.
 * Returns whether it was taken now. One transaction of two statements: a snapshot is whole or
 * absent, and its size does not depend on round trips. The category is `categoryOf` in SQL.
 */
export async function takeSnapshot(prisma: PrismaClient, tenantId: string, now: Date): Promise<boolean> {
  const day = utcDay(now);
  const since = new Date(day.getTime() - SNAPSHOT_WON_DAYS * DAY_MS);
  return withTenantTransaction(prisma, tenantId, async (tx) => {
    const claimed = await tx.forecastSnapshotDay.createMany({ data: [{ tenantId, day }], skipDuplicates: true });
    if (claimed.count === 0) return false;
    await tx.$executeRaw`
      INSERT INTO "ForecastSnapshot" ("tenantId", "day", "dealId", "ownerId", "status", "category", "amountMinor", "currency", "probability", "expectedCloseDate", "closedAt")
      SELECT d."tenantId", ${day}::date, d."id", d."ownerId", d."status", c."category", d."amountMinor", d."currency", s."probability", d."expectedCloseDate", d."closedAt"
      FROM "Deal" d
      JOIN "Stage" s ON s."id" = d."stageId"
      LEFT JOIN "DealForecastCategory" chosen ON chosen."dealId" = d."id"
      CROSS JOIN LATERAL (SELECT (CASE
        WHEN d."status" = 'WON' THEN 'CLOSED'
        WHEN chosen."category" IS NOT NULL AND chosen."category" <> 'CLOSED' THEN chosen."category"::text
        WHEN s."probability" >= ${COMMIT_PROBABILITY} THEN 'COMMIT'
        WHEN s."probability" >= ${BEST_CASE_PROBABILITY} THEN 'BEST_CASE'
        ELSE 'PIPELINE' END)::"ForecastCategory" AS "category") c
      WHERE d."tenantId" = ${tenantId}::uuid AND d."deletedAt" IS NULL
        AND (d."status" = 'OPEN' OR (d."status" = 'WON' AND d."closedAt" >= ${since}))
        AND c."category" <> 'OMITTED'`;
    return true;
  });
}

/** Tenants to snapshot: those that took one before or wrote sales events in the last 30 days. */
export async function snapshotTenants(prisma: PrismaClient, now: Date): Promise<string[]> {
  const since = new Date(now.getTime() - 30 * DAY_MS);
  // SELECT DISTINCT in the database (Prisma's `distinct` would fetch every row first)
  const [days, events] = await Promise.all([
    prisma.$queryRaw<{ tenantId: string }[]>`SELECT DISTINCT "tenantId"::text AS "tenantId" FROM "ForecastSnapshotDay"`,
    prisma.$queryRaw<{ tenantId: string }[]>`SELECT DISTINCT "tenantId" FROM "OutboxEvent" WHERE "occurredAt" >= ${since}`,
  ]);
  return [...new Set([...days.map((row) => row.tenantId), ...events.map((row) => row.tenantId)])].filter((id) => isUuid(id));
}

export interface ForecastGroupResult {
  ownerId: string | null;
  teamId: string | null;
  quota: QuotaModel | null;
  now: Figures;
  lastWeek: Figures | null;
}

export interface ForecastResult {
  period: Period;
  currency: string;
  snapshotDay: Date | null;
  groups: ForecastGroupResult[];
}

export interface ForecastArgs {
  period: Period;
  groupBy: 'OWNER' | 'TEAM';
  currency: string;
  /** The caller's deal read scope (`dealScope`), a `where` fragment on `ownerId`. */
  scope: Record<string, unknown>;
  /**
   * With `groupBy: TEAM`: the teams to group by (every team of the tenant, for callers who read
   * deals tenant-wide). Absent: the caller's own team, from their team facts.
   */
  teams?: readonly { teamId: string; memberIds: readonly string[] }[];
  now?: Date;
}

/**
 * The forecast of a period in one currency over the deals in the caller's scope, per owner or per
 * team (`args.teams`, else the caller's team), with last week's figures from the snapshot nearest
 * to 7 days ago. Takes today's snapshot first when there is none. The same statements whatever the
 * number of groups: the deals (and their chosen categories), the snapshot days, the snapshot rows
 * and the quotas.
 */
export async function forecast(prisma: PrismaClient, db: TenantDb, tenantId: string, who: Principal, args: ForecastArgs): Promise<ForecastResult> {
  const when = period(args.period);
  let currency: string;
  try {
    currency = parseCurrency(args.currency);
  } catch (error) {
    if (error instanceof MoneyError) throw badInput(error.message, 'currency');
    throw error;
  }
  const now = args.now ?? new Date();
  await takeSnapshot(prisma, tenantId, now);
  const range = periodRange(when);
  const inPeriod: Prisma.DealWhereInput = {
    OR: [
      { status: 'OPEN', expectedCloseDate: { gte: range.start, lt: range.end } },
      { status: 'WON', closedAt: { gte: range.start, lt: range.end } },
    ],
  };
  const teams =
    args.groupBy !== 'TEAM'
      ? undefined
      : (args.teams?.map((team) => ({ id: team.teamId, members: [...new Set(team.memberIds)] })) ??
        (who.teamId ? [{ id: who.teamId, members: [...new Set(who.teamMemberIds ?? [])] }] : []));
  const groupWhere: Prisma.DealWhereInput = teams === undefined ? {} : { ownerId: { in: [...new Set(teams.flatMap((team) => team.members))] } };
  const current = await currentInputs(db, { AND: [args.scope as Prisma.DealWhereInput, groupWhere, inPeriod] });

  const days = await db.forecastSnapshotDay.findMany({ where: { day: { lt: utcDay(now) } }, select: { day: true }, orderBy: { day: 'desc' }, take: 60 });
  const snapshotDay = nearestWeekAgo(days.map((row) => row.day), utcDay(now));
  const previous: ForecastInput[] = snapshotDay
    ? await db.forecastSnapshot.findMany({
        where: { AND: [{ day: snapshotDay }, args.scope as Prisma.ForecastSnapshotWhereInput, groupWhere as Prisma.ForecastSnapshotWhereInput, inPeriod as Prisma.ForecastSnapshotWhereInput] },
        select: { dealId: true, ownerId: true, status: true, category: true, amountMinor: true, currency: true, probability: true, expectedCloseDate: true, closedAt: true },
      })
    : [];

  const quotas = await db.quota.findMany({
    where: { periodKind: when.kind, year: when.year, periodIndex: when.index, currency, ...(teams === undefined ? { ownerId: { not: null } } : { teamId: { in: teams.map((team) => team.id) } }), ...quotaScope(who) },
  });

  const groups: ForecastGroupResult[] = [];
  if (teams === undefined) {
    const owners = new Set<string | null>([...current.map((deal) => deal.ownerId), ...previous.map((deal) => deal.ownerId), ...quotas.map((quota) => quota.ownerId)]);
    const sorted = [...owners].sort((a, b) => (a ?? '\uffff').localeCompare(b ?? '\uffff'));
    for (const ownerId of sorted) {
      groups.push({
        ownerId,
        teamId: null,
        quota: quotas.find((quota) => quota.ownerId === ownerId) ?? null,
        now: figuresOf(current.filter((deal) => deal.ownerId === ownerId), when, currency),
        lastWeek: snapshotDay ? figuresOf(previous.filter((deal) => deal.ownerId === ownerId), when, currency) : null,
      });
    }
  } else {
    for (const team of teams) {
      const members = new Set(team.members);
      const ofTeam = (deal: { ownerId: string | null }) => deal.ownerId !== null && members.has(deal.ownerId);
      groups.push({
        ownerId: null,
        teamId: team.id,
        quota: quotas.find((quota) => quota.teamId === team.id) ?? null,
        now: figuresOf(current.filter(ofTeam), when, currency),
        lastWeek: snapshotDay ? figuresOf(previous.filter(ofTeam), when, currency) : null,
      });
    }
  }
  return { period: when, currency, snapshotDay, groups };
}

export { attainmentPercent };
