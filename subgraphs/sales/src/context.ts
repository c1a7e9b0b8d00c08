/**
 * The per-request context every sales resolver receives.
 *
 * Built from the identity the gateway signed. `db` is the tenant-scoped client (every query runs
 * with `app.tenant_id` set and `tenantId` added to its filters), so resolvers cannot read across
 * tenants by accident; the base `prisma` client is for services that set the tenant themselves.
 */
import type { EventEnvelope } from '@crm/events';
import { AccessDeniedError, assertCan, hasAdminRole, matchesScope, ownerForCreate, principalOf, readable, readWhere, scopeFilter, type Principal } from '@crm/authz';
import { forbidden, unauthenticated, type Identity, type Logger } from '@crm/runtime';
import type { PrismaClient } from './__generated__/prisma/client.ts';
import type { Loaders } from './loaders.ts';
import type { TeamDirectory } from './modules/forecasting/lib/team-directory.ts';
import type { RecordDirectory } from '@crm/runtime';
import type { SalesServices } from './services.ts';
import { isUuid } from '@crm/runtime';

/** A Prisma client scoped to one tenant by `forTenant` from @crm/db. */
export type TenantDb = PrismaClient;

/** Who caused a change, as recorded on its domain events. */
export type Actor = EventEnvelope['actor'];

export interface Context {
  identity: Identity;
  tenantId: string | null;
  /** Tenant-scoped client; null for anonymous callers. */
  db: TenantDb | null;
  /** Base client: only for services that set the tenant themselves. */
  prisma: PrismaClient;
  loaders: Loaders;
  services: SalesServices;
  log: Logger;
  /** Every team of a tenant with its members (tenant-wide team forecasts); absent when not configured. */
  teams?: TeamDirectory;
  /** Whether records of other subgraphs a write references are the tenant's (see `references.ts`). */
  records: RecordDirectory;
}

/** The caller's tenant and its scoped client; UNAUTHENTICATED when the caller has no tenant. */
export function requireTenant(ctx: Context): { tenantId: string; db: TenantDb } {
  if (ctx.tenantId === null || ctx.db === null) throw unauthenticated();
  return { tenantId: ctx.tenantId, db: ctx.db };
}

/** The signed-in user as the actor of the events their writes emit. */
export function actorOf(ctx: Context): Actor {
  return { userId: ctx.identity.userId, kind: 'user' };
}

const principals = new WeakMap<Identity, Principal>();

/**
 * The caller as the permission table sees them (built once per request from the signed identity,
 * with the team facts the gateway added). UNAUTHENTICATED without a tenant.
 */
export function principal(ctx: Pick<Context, 'identity' | 'tenantId'>): Principal {
  if (ctx.tenantId === null) throw unauthenticated();
  let found = principals.get(ctx.identity);
  if (!found) principals.set(ctx.identity, (found = principalOf({ ...ctx.identity, tenantId: ctx.tenantId })));
  return found;
}

/**
 * The deals the caller may read, as a Prisma `where` fragment on `Deal` (`{}` with tenant scope):
 * every deal list, lookup and board read of the subgraph goes through it. A Sales Rep reads the
 * deals they own, a Sales Manager those owned by their team's users, a tenant admin all of them.
 * Deals without an owner are visible only with tenant scope; API keys (no user) read deals only
 * through a tenant-scoped role.
 */
export function dealScope(ctx: Pick<Context, 'identity' | 'tenantId'>): Record<string, unknown> {
  return readWhere(principal(ctx), 'deal');
}

/** A loaded deal when the caller may read it, else null: `deal(id)` and `_entities` go through it. */
export function visibleDeal<T extends { ownerId: string | null }>(ctx: Pick<Context, 'identity' | 'tenantId'>, deal: T | null): T | null {
  return deal && readable(principal(ctx), 'deal', deal) ? deal : null;
}

/** Only the deals the caller may read (lists reached through another record, e.g. an account's deals). */
export function visibleDeals<T extends { ownerId: string | null }>(ctx: Pick<Context, 'identity' | 'tenantId'>, deals: readonly T[]): T[] {
  const who = principal(ctx);
  return deals.filter((deal) => readable(who, 'deal', deal));
}

/**
 * Field-level masking of deal amounts (the tenant's `maskDealAmountsOutsideTeam`, signed by the
 * gateway with the team facts): the owners whose deals' amounts the caller sees, or null for all.
 *
 * It applies to callers who read deals tenant-wide without being tenant (or system) admins, e.g.
 * a Sales Rep given tenant-wide `deal:read` by a custom role: they see the deals of the whole
 * tenant, but the money only of the deals owned by themselves or a member of their team. Admins
 * always see every amount; callers whose read scope is their own or their team's deals see
 * exactly the deals whose amounts they may see, so nothing is masked for them.
 */
export function amountOwners(ctx: Pick<Context, 'identity' | 'tenantId'>): readonly string[] | null {
  if (ctx.identity.maskDealAmountsOutsideTeam !== true || hasAdminRole(ctx.identity.roles)) return null;
  const who = principal(ctx);
  if (scopeFilter(who, 'deal', 'read').kind !== 'all') return null;
  return [...new Set([...(who.userId ? [who.userId] : []), ...(who.teamMemberIds ?? [])])];
}

/** Whether the caller sees the amounts of a deal owned by `ownerId` (see `amountOwners`). */
export function amountVisible(ctx: Pick<Context, 'identity' | 'tenantId'>, ownerId: string | null): boolean {
  const owners = amountOwners(ctx);
  return owners === null || (ownerId !== null && owners.includes(ownerId));
}

/**
 * FORBIDDEN unless the caller may `action` the deal, decided by the write itself on the deal it
 * read under the pipeline lock (see `lockDealForChange`): no read of its own, and a concurrent
 * reassignment cannot slip between the check and the change. A change of owner is checked at once.
 */
export function dealGuard(ctx: Context, action: 'update' | 'delete', change: { ownerId?: string | null } = {}): (deal: { ownerId: string | null }) => void {
  const who = principal(ctx);
  const check = (deal: { ownerId: string | null }) => guard(() => assertCan(who, 'deal', action, deal));
  if (change.ownerId !== undefined) check({ ownerId: change.ownerId });
  return check;
}

/**
 * The owner a new deal gets (see `ownerForCreate` in @crm/authz): without tenant scope an unowned
 * deal becomes the caller's, and a named owner must be within the caller's scope.
 */
export function ownerOfNewDeal(ctx: Pick<Context, 'identity' | 'tenantId'>, requested: string | null | undefined): string | null {
  return guard(() => ownerForCreate(principal(ctx), 'deal', requested));
}

/**
 * Activities have no owner column: an activity belongs to its assignee, or to whoever created it
 * while it is unassigned. That person's scope decides who reads, completes or deletes it (a rep:
 * the activities assigned to or left unassigned by them; a manager: their team's; an admin: all).
 */
export function activityOwner(activity: { assigneeId: string | null; createdById: string | null }): string | null {
  return activity.assigneeId ?? activity.createdById;
}

/** The activities the caller may read, as a Prisma `where` fragment on `Activity` (`{}` with tenant scope). */
export function activityScope(ctx: Pick<Context, 'identity' | 'tenantId'>): Record<string, unknown> {
  const filter = scopeFilter(principal(ctx), 'activity', 'read');
  if (filter.kind === 'all') return {};
  const owners = filter.kind === 'none' ? [] : filter.ownerIds;
  return { OR: [{ assigneeId: { in: owners } }, { assigneeId: null, createdById: { in: owners } }] };
}

/** Only the activities the caller may read (by id lookups, `_entities`, a deal's activities). */
export function visibleActivities<T extends { assigneeId: string | null; createdById: string | null }>(ctx: Pick<Context, 'identity' | 'tenantId'>, activities: readonly T[]): T[] {
  const filter = scopeFilter(principal(ctx), 'activity', 'read');
  return activities.filter((activity) => matchesScope(filter, { ownerId: activityOwner(activity) }));
}

/** FORBIDDEN unless the caller may `action` the activity (one that is not the tenant's is left to the service). */
export async function authorizeActivity(ctx: Context, action: 'update' | 'delete', activityId: string): Promise<void> {
  const { db } = requireTenant(ctx);
  const activity = isUuid(activityId) ? await db.activity.findFirst({ where: { id: activityId }, select: { assigneeId: true, createdById: true } }) : null;
  if (activity) guard(() => assertCan(principal(ctx), 'activity', action, { ownerId: activityOwner(activity) }));
}

/** FORBIDDEN unless the caller may create an activity assigned to `assigneeId` (unassigned: their own). */
export function authorizeNewActivity(ctx: Pick<Context, 'identity' | 'tenantId'>, assigneeId: string | null | undefined): void {
  const who = principal(ctx);
  guard(() => assertCan(who, 'activity', 'create', { ownerId: assigneeId ?? who.userId }));
}


function guard<T>(decide: () => T): T {
  try {
    return decide();
  } catch (error) {
    if (error instanceof AccessDeniedError) throw forbidden(error.message);
    throw error;
  }
}
