/**
 * Operations every customer record type shares: filtered Relay pages, group counts, and the trash
 * (soft delete, restore, and purge for good). Trash changes record `customer.<type>.deleted`,
 * `.restored` or `.purged` in the outbox within the same transaction.
 */
import { withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import { badInput, notFound, MAX_BATCH_ITEMS } from '@crm/runtime';
import { Prisma, type PrismaClient } from '../__generated__/prisma/client.ts';
import type { Actor, TenantDb } from '../context.ts';
import {
  compileFilter,
  groupKey,
  planPage,
  sortKeys,
  stateWhere,
  toPage,
  type EntitySpec,
  type OrderInput,
  type Page,
  type PageArgs,
  type RecordState,
  type SortKey,
  type Where,
  usesCustomFields,
  withTenantCustomFields,
} from '@crm/db/list-query';
import { CUSTOM_FIELD_ENTITIES, customFieldSpecs, type CustomFieldEntity, type FieldDefinition } from './custom-fields.ts';
import { accountSpec, contactSpec, leadSpec } from './entities.ts';
import { customExpr, orderToSql, whereToSql, type RecordTable } from './sql-where.ts';
import { isUuid } from './validation.ts';

export type RecordKind = 'account' | 'contact' | 'lead';

export interface ListArgs extends PageArgs {
  filter?: unknown;
  orderBy?: readonly OrderInput[] | null;
  state?: RecordState | null;
  /** The caller's read scope (`scopeWhere` in context.ts): rows, counts and groups stay within it. */
  scope?: Where;
}

/** The slice of a Prisma model delegate these operations use. */
interface Delegate<T> {
  findMany(args: { where: Where; orderBy?: Where[]; take?: number; select?: Record<string, boolean> }): Promise<T[]>;
  count(args: { where: Where }): Promise<number>;
  groupBy(args: { by: string[]; where: Where; _count: { _all: true } }): Promise<(Record<string, unknown> & { _count: { _all: number } })[]>;
  updateMany(args: { where: Where; data: Record<string, unknown> }): Promise<{ count: number }>;
  deleteMany(args: { where: Where }): Promise<{ count: number }>;
}

const delegateOf = <T>(client: unknown, kind: RecordKind): Delegate<T> => (client as Record<RecordKind, Delegate<T>>)[kind];

const and = (...parts: Where[]): Where => ({ AND: parts.filter((part) => Object.keys(part).length > 0) });

export const ENTITY_OF: Record<RecordKind, CustomFieldEntity> = { account: 'ACCOUNT', contact: 'CONTACT', lead: 'LEAD' };
const TABLE_OF: Record<RecordKind, RecordTable> = { account: 'Account', contact: 'Contact', lead: 'Lead' };
const SPECS: Record<RecordTable, EntitySpec> = { Account: accountSpec, Contact: contactSpec, Lead: leadSpec };

/** The tenant's live custom field definitions of a record type, oldest first. */
export function liveDefinitions(db: TenantDb, kind: RecordKind): Promise<FieldDefinition[]> {
  return db.customFieldDefinition.findMany({ where: { entity: ENTITY_OF[kind], archivedAt: null }, orderBy: [{ createdAt: 'asc' }, { key: 'asc' }] });
}

const TABLE_OF_ENTITY: Record<CustomFieldEntity, RecordTable> = { ACCOUNT: 'Account', CONTACT: 'Contact', LEAD: 'Lead' };

interface TenantSpecs {
  /** The listed type's spec. */
  spec: EntitySpec;
  /** Specs of every type (for relation filters in SQL). */
  specs: Record<RecordTable, EntitySpec>;
}

/**
 * `spec` (and the specs its relations lead to) with the tenant's custom fields when the filter,
 * ordering or grouping names one (one query for every record type); else as it is, without a query.
 */
async function specFor(db: TenantDb, kind: RecordKind, spec: EntitySpec, filter: unknown, orderBy?: readonly OrderInput[] | null, groupByCustom = false): Promise<TenantSpecs> {
  const mentioned = groupByCustom || (orderBy ?? []).some((entry) => entry.customField != null) || JSON.stringify(filter ?? null).includes('"customField"');
  if (!mentioned) return { spec, specs: { ...SPECS, [TABLE_OF[kind]]: spec } };
  const definitions = await db.customFieldDefinition.findMany({ where: { archivedAt: null }, orderBy: [{ createdAt: 'asc' }, { key: 'asc' }] });
  const fields = Object.fromEntries(
    CUSTOM_FIELD_ENTITIES.map((entity) => [TABLE_OF_ENTITY[entity], customFieldSpecs(definitions.filter((definition) => definition.entity === entity))]),
  );
  const specs = withTenantCustomFields<RecordTable>({ ...SPECS, [TABLE_OF[kind]]: spec }, fields);
  return { spec: specs[TABLE_OF[kind]], specs };
}

/** The tenant condition, on top of row-level security, for the SQL of custom field queries. */
const tenantSql = (alias: string) => Prisma.sql`${Prisma.raw(alias)}."tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid`;
const tableSql = (kind: RecordKind, alias: string) => Prisma.raw(`"${TABLE_OF[kind]}" ${alias}`);

/** A page whose filter or ordering uses custom fields: ids in SQL, then the rows through Prisma. */
async function sqlPage<T extends object>(db: TenantDb, kind: RecordKind, { spec, specs }: TenantSpecs, keys: SortKey[], args: ListArgs, base: Where): Promise<Page<T>> {
  const plan = planPage(keys, args);
  const table = TABLE_OF[kind];
  const where = whereToSql(spec, table, 't', and(base, ...plan.where), specs);
  const rows =
    plan.size === 0
      ? []
      : await db.$transaction(async (tx) => {
          const ids = await tx.$queryRaw<{ id: string }[]>(
            Prisma.sql`SELECT t.id FROM ${tableSql(kind, 't')} WHERE ${tenantSql('t')} AND ${where} ORDER BY ${orderToSql(spec, 't', keys, plan.backwards)} LIMIT ${plan.take}`,
          );
          return rowsInOrder<T & { id: string }>(tx, kind, ids.map((row) => row.id));
        });
  const countWhere = whereToSql(spec, table, 't', base, specs);
  let total: Promise<number> | undefined;
  const count = async () => {
    const [row] = await db.$transaction((tx) =>
      tx.$queryRaw<{ n: number }[]>(Prisma.sql`SELECT count(*)::int AS n FROM ${tableSql(kind, 't')} WHERE ${tenantSql('t')} AND ${countWhere}`),
    );
    return row?.n ?? 0;
  };
  return toPage(keys, plan, rows, args, () => (total ??= count()));
}

/** One Relay page of `kind` records; filter, ordering and page arguments are validated first. */
export async function listPage<T extends object>(db: TenantDb, kind: RecordKind, entity: EntitySpec, args: ListArgs): Promise<Page<T>> {
  const tenantSpecs = await specFor(db, kind, entity, args.filter, args.orderBy);
  const { spec } = tenantSpecs;
  const keys = sortKeys(spec, args.orderBy);
  const base = and(args.scope ?? {}, stateWhere(args.state), compileFilter(spec, args.filter));
  if (usesCustomFields(base, keys)) return sqlPage<T>(db, kind, tenantSpecs, keys, args, base);
  const plan = planPage(keys, args);
  const delegate = delegateOf<T>(db, kind);
  const rows = plan.size === 0 ? [] : await delegate.findMany({ where: and(base, ...plan.where), orderBy: plan.orderBy, take: plan.take });
  let total: Promise<number> | undefined;
  return toPage(keys, plan, rows, args, () => (total ??= delegate.count({ where: base })));
}

/**
 * Who may own what, for batch writes that create or change records (`ownershipGuard` in
 * context.ts builds it from the caller's scope and the owners the batch names).
 */
export interface OwnershipGuard {
  /** BAD_USER_INPUT naming `field` unless `ownerId`, when set, is a user of the tenant (see lib/owners.ts). */
  ownerExists(ownerId: string | null | undefined, field: string): void;
  /** FORBIDDEN unless the caller may change `existing` (and hand it to `ownerId`, when given). */
  change(existing: { ownerId: string | null }, ownerId: string | null | undefined): void;
  /** The owner of a record the caller creates (the caller, without tenant scope and no owner named); FORBIDDEN outside the scope. */
  create(ownerId: string | null | undefined): string | null;
}

export interface GroupCount {
  key: string | null;
  count: number;
}

export interface GroupArgs {
  /** A groupable field (GraphQL enum value); or else `customField`. */
  field?: string | null;
  /** The key of one of the tenant's live custom fields. */
  customField?: string | null;
  filter?: unknown;
  state?: RecordState | null;
  scope?: Where;
}

/**
 * Record counts per value of a groupable field or custom field, largest groups first (then by
 * key). A multi-select custom field counts a record under each of its options (null: none).
 */
export async function groupCounts(db: TenantDb, kind: RecordKind, spec: EntitySpec, args: GroupArgs): Promise<GroupCount[]> {
  const { spec: entity, specs } = await specFor(db, kind, spec, args.filter, undefined, args.customField != null);
  const group = groupKey(entity, args);
  const column = group.column;
  const where = and(args.scope ?? {}, stateWhere(args.state), compileFilter(entity, args.filter));
  let groups: { key: unknown; count: number }[];
  if (group.custom || usesCustomFields(where)) {
    const condition = whereToSql(entity, TABLE_OF[kind], 't', where, specs);
    const expr = group.custom ? customExpr('t', group.custom) : Prisma.raw(`t."${column}"`);
    const list = group.custom?.read === 'list';
    const from = list
      ? Prisma.sql`${tableSql(kind, 't')} LEFT JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(${expr}) = 'array' THEN ${expr} END) g(key) ON TRUE`
      : tableSql(kind, 't');
    const key = list ? Prisma.raw('g.key') : group.custom ? Prisma.sql`(${expr})::text` : expr;
    groups = await db.$transaction((tx) =>
      tx.$queryRaw<{ key: unknown; count: number }[]>(
        Prisma.sql`SELECT ${key} AS key, count(*)::int AS count FROM ${from} WHERE ${tenantSql('t')} AND ${condition} GROUP BY 1`,
      ),
    );
  } else {
    const rows = await delegateOf(db, kind).groupBy({ by: [column], where, _count: { _all: true } });
    groups = rows.map((group) => ({ key: group[column], count: group._count._all }));
  }
  return groups
    .map((group) => ({ key: group.key == null ? null : String(group.key), count: group.count }))
    .sort((a, b) => b.count - a.count || String(a.key ?? '').localeCompare(String(b.key ?? '')));
}

/** Validates a batch of ids (at most 100, each a UUID); duplicates are dropped, order kept. */
export function batchIds(ids: readonly string[]): string[] {
  if (ids.length > MAX_BATCH_ITEMS) throw badInput(`ids: at most ${MAX_BATCH_ITEMS} per call`, 'ids');
  ids.forEach((id, index) => {
    if (!isUuid(id)) throw badInput(`ids.${index}: is not a valid id`, `ids.${index}`);
  });
  return [...new Set(ids.map((id) => id.toLowerCase()))];
}

export type TrashAction = 'deleted' | 'restored' | 'purged';

export interface TrashDeps {
  prisma: PrismaClient;
  onCommit: () => void;
}

const TYPE_NAMES: Record<RecordKind, string> = { account: 'Account', contact: 'Contact', lead: 'Lead' };

/**
 * Moves records to the trash, restores them, or purges them for good, all or nothing: NOT_FOUND
 * when any id is not a record of the tenant. Records already in the requested state are left as
 * they are (no event). Returns the ids in input order.
 */
export async function changeTrash(
  { prisma, onCommit }: TrashDeps,
  tenantId: string,
  actor: Actor,
  kind: RecordKind,
  action: TrashAction,
  rawIds: readonly string[],
): Promise<string[]> {
  const ids = batchIds(rawIds);
  if (ids.length === 0) return [];
  await withTenantTransaction(prisma, tenantId, async (tx) => {
    const delegate = delegateOf<{ id: string; deletedAt: Date | null }>(tx, kind);
    const found = await delegate.findMany({ where: { id: { in: ids } }, select: { id: true, deletedAt: true } });
    const byId = new Map(found.map((row) => [row.id, row]));
    const missing = ids.find((id) => !byId.has(id));
    if (missing) throw notFound(TYPE_NAMES[kind], missing);
    const targets = ids.filter((id) => {
      const deleted = byId.get(id)!.deletedAt !== null;
      return action === 'purged' || (action === 'deleted' ? !deleted : deleted);
    });
    if (targets.length === 0) return;
    if (action === 'purged') await delegate.deleteMany({ where: { id: { in: targets } } });
    else await delegate.updateMany({ where: { id: { in: targets } }, data: { deletedAt: action === 'deleted' ? new Date() : null } });
    await appendOutbox(
      tx,
      targets.map((id) => createEvent({ type: `customer.${kind}.${action}`, tenantId, actor, aggregateId: id, payload: {} })),
    );
  });
  onCommit();
  return ids;
}

/** Rows of `ids` in that order (rows that vanished meanwhile are left out). */
export async function rowsInOrder<T extends { id: string }>(db: Pick<TenantDb, RecordKind>, kind: RecordKind, ids: string[]): Promise<T[]> {
  if (ids.length === 0) return [];
  const rows = await delegateOf<T>(db, kind).findMany({ where: { id: { in: ids } } });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
}
