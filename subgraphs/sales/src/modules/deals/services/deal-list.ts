/**
 * The deal list API: Relay pages, group counts with amount sums, over the deals the caller may
 * read. Every query ANDs the caller's deal scope (`dealScope` in context.ts) with the filter, so a
 * list, its `totalCount` and its groups always agree with what `deal(id)` would show.
 *
 * `amountOwners` (from `amountOwners` in context.ts; null: none masked) keeps masked amounts out of
 * everything computed from amounts: `amount` filters never match a masked deal, sorting by AMOUNT
 * is FORBIDDEN, and group sums add up only the amounts the caller sees (`maskedCount` the rest).
 */
import { compileFilter, planPage, sortKeys, toPage, type OrderInput, type Page, type PageArgs, type Where } from '@crm/db/list-query';
import { forbidden } from '@crm/runtime';
import type { Prisma } from '../../../__generated__/prisma/client.ts';
import type { DealModel } from '../../../__generated__/prisma/models.ts';
import type { TenantDb } from '../../../context.ts';
import { dealListSpec, type RottingStage } from '../lib/deal-list.ts';
import { formatAmount } from '../lib/money.ts';

export interface DealListArgs extends PageArgs {
  filter?: unknown;
  orderBy?: readonly OrderInput[] | null;
}

export type DealGroupField = 'STAGE' | 'PIPELINE' | 'OWNER' | 'STATUS' | 'CURRENCY' | 'CLOSE_MONTH';

export interface DealGroup {
  key: string | null;
  count: number;
  amounts: { currency: string; amount: string; count: number; maskedCount: number }[];
}

const GROUP_COLUMNS = { STAGE: 'stageId', PIPELINE: 'pipelineId', OWNER: 'ownerId', STATUS: 'status', CURRENCY: 'currency', CLOSE_MONTH: 'expectedCloseDate' } as const;

/** The tenant's stages that flag deals stale (for the `stale` filter). */
async function rottingStages(db: TenantDb): Promise<RottingStage[]> {
  const stages = await db.stage.findMany({ where: { rottingDays: { not: null }, kind: 'OPEN' }, select: { id: true, rottingDays: true } });
  return stages.map((stage) => ({ id: stage.id, rottingDays: stage.rottingDays! }));
}

/** The where clause of live deals in `scope` matching `filter` (BAD_USER_INPUT naming the path). */
export async function dealListWhere(db: TenantDb, filter: unknown, scope: Where, now: Date, amountOwners: readonly string[] | null = null): Promise<Where> {
  const needsStages = JSON.stringify(filter ?? null).includes('"stale"');
  const spec = dealListSpec(needsStages ? await rottingStages(db) : [], now, amountOwners);
  const compiled = compileFilter(spec, filter);
  return { AND: [spec.live, scope, compiled] };
}

/** One page of deals (validated page arguments, ordering and cursor), with a lazy total count. */
export async function listDeals(db: TenantDb, args: DealListArgs, scope: Where, now = new Date(), amountOwners: readonly string[] | null = null): Promise<Page<DealModel>> {
  const index = amountOwners ? (args.orderBy ?? []).findIndex((entry) => entry.field === 'AMOUNT') : -1;
  if (index >= 0) throw forbidden(`orderBy.${index}.field: deals cannot be sorted by AMOUNT while this tenant masks the amounts of deals outside your team`);
  const spec = dealListSpec([], now, amountOwners);
  const keys = sortKeys(spec, args.orderBy);
  const plan = planPage(keys, args);
  const where = await dealListWhere(db, args.filter, scope, now, amountOwners);
  const paged = { AND: [where, ...plan.where] } as Prisma.DealWhereInput;
  const rows = plan.size === 0 ? [] : await db.deal.findMany({ where: paged, orderBy: plan.orderBy as Prisma.DealOrderByWithRelationInput[], take: plan.take });
  return toPage(keys, plan, rows, args, () => db.deal.count({ where: where as Prisma.DealWhereInput }));
}

/** Deals per value of `field` with per-currency amount sums, largest groups first (then by key). */
export async function groupDeals(db: TenantDb, field: DealGroupField, filter: unknown, scope: Where, now = new Date(), amountOwners: readonly string[] | null = null): Promise<DealGroup[]> {
  const where = (await dealListWhere(db, filter, scope, now, amountOwners)) as Prisma.DealWhereInput;
  const column = GROUP_COLUMNS[field];
  const keyOf = (row: object) => {
    const raw = (row as Record<string, unknown>)[column];
    return raw === null || raw === undefined ? null : raw instanceof Date ? raw.toISOString().slice(0, 7) : String(raw);
  };
  const rows = await db.deal.groupBy({ by: [column, 'currency'], where, _count: { _all: true }, _sum: { amountMinor: true } });
  // with masked amounts, the sums come from a second query over the deals whose amounts the caller sees
  const visible = amountOwners
    ? await db.deal.groupBy({ by: [column, 'currency'], where: { AND: [where, { ownerId: { in: [...amountOwners] } }] }, _count: { _all: true }, _sum: { amountMinor: true } })
    : rows;
  // several rows may fall in one group (CLOSE_MONTH groups days), so both sides are added up per (group, currency)
  const groupKey = (key: string | null, currency: string) => `${key ?? ''}\u0000${key === null ? 'null' : ''}\u0000${currency}`;
  const visibleSums = new Map<string, { minor: bigint; count: number }>();
  for (const row of visible) {
    const at = groupKey(keyOf(row), row.currency);
    const sum = visibleSums.get(at) ?? { minor: 0n, count: 0 };
    visibleSums.set(at, { minor: sum.minor + (row._sum.amountMinor ?? 0n), count: sum.count + row._count._all });
  }
  const groups = new Map<string | null, { count: number; counts: Map<string, number> }>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key) ?? { count: 0, counts: new Map() };
    groups.set(key, group);
    group.count += row._count._all;
    group.counts.set(row.currency, (group.counts.get(row.currency) ?? 0) + row._count._all);
  }
  return [...groups.entries()]
    .map(([key, group]) => ({
      key,
      count: group.count,
      amounts: [...group.counts.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([currency, count]) => {
          const seen = visibleSums.get(groupKey(key, currency)) ?? { minor: 0n, count: 0 };
          return { currency, amount: formatAmount(seen.minor, currency), count, maskedCount: count - seen.count };
        }),
    }))
    .sort((a, b) => b.count - a.count || (a.key ?? '\uffff').localeCompare(b.key ?? '\uffff'));
}
