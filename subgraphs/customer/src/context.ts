/**
 * What every customer resolver receives: who is calling, a tenant-scoped database client,
 * request-scoped loaders and the domain services.
 */
import { AccessDeniedError, assertCan, hasAdminRole, ownerForCreate, principalOf, readable, readWhere, type Principal } from '@crm/authz';
import { forbidden, MAX_BATCH_ITEMS, unauthenticated, type Identity, type Logger, type RecordDirectory } from '@crm/runtime';
import type { EventEnvelope } from '@crm/events';
import type { PrismaClient } from './__generated__/prisma/client.ts';
import type { Loaders } from './loaders.ts';
import type { CustomerServices } from './services.ts';
import { isUuid } from './lib/validation.ts';
import type { OwnershipGuard } from './lib/records.ts';
import { isMissingOwner, missingOwners, unknownOwner } from './lib/owners.ts';

/** A Prisma client whose every operation runs with `app.tenant_id` set (from `forTenant`). */
export type TenantDb = PrismaClient;

/** Who caused a change, as recorded on its events. */
export type Actor = EventEnvelope['actor'];

export interface Context {
  identity: Identity;
  tenantId: string | null;
  /** `forTenant(prisma, tenantId)`; null when the caller has no tenant. */
  db: TenantDb | null;
  /** Base client: only for services that set the tenant themselves. */
  prisma: PrismaClient;
  loaders: Loaders;
  services: CustomerServices;
  /** Whether the users a write names as owners are the tenant's (see `lib/owners.ts`). */
  records: RecordDirectory;
  log: Logger;
}

/** The caller's tenant and tenant-scoped client; UNAUTHENTICATED when there is none. */
export function requireTenant(context: Pick<Context, 'tenantId' | 'db'>): { tenantId: string; db: TenantDb } {
  if (!context.tenantId || !context.db) throw unauthenticated();
  return { tenantId: context.tenantId, db: context.db };
}

/** The event actor for the signed-in caller. */
export function actorOf(identity: Identity): Actor {
  return { userId: identity.userId, kind: 'user' };
}

/** Roles that administer a whole tenant (compared case-insensitively). */

/** Like {@link requireTenant}, and FORBIDDEN unless the caller is a tenant (or system) admin. */
export function requireTenantAdmin(
  context: Pick<Context, 'tenantId' | 'db' | 'identity'>,
  message = 'Only tenant admins may delete records for good',
): { tenantId: string; db: TenantDb } {
  const scoped = requireTenant(context);
  if (!hasAdminRole(context.identity.roles)) throw forbidden(message);
  return scoped;
}

/** Customer records the permission table governs (their owner column is `ownerId`). */
export type ScopedResource = 'contact' | 'account' | 'lead';

const principals = new WeakMap<Identity, Principal>();

/**
 * The caller as the permission table sees them (built once per request from the signed identity,
 * with the team facts the gateway added). UNAUTHENTICATED without a tenant.
 */
export function principal(context: Pick<Context, 'identity' | 'tenantId'>): Principal {
  if (!context.tenantId) throw unauthenticated();
  let found = principals.get(context.identity);
  if (!found) principals.set(context.identity, (found = principalOf({ ...context.identity, tenantId: context.tenantId })));
  return found;
}

/**
 * The records of `resource` the caller may read, as a Prisma `where` fragment (`{}` with tenant
 * scope): every list, page, count and group of the subgraph goes through it. A Sales Rep reads
 * the records they own, a Sales Manager those of their team's users, a tenant admin all of them.
 * Records without an owner are visible only with tenant scope; API keys (no user) read records
 * only through a tenant-scoped role.
 */
export function scopeWhere(context: Pick<Context, 'identity' | 'tenantId'>, resource: ScopedResource): Record<string, unknown> {
  return readWhere(principal(context), resource);
}

/** A loaded row when the caller may read it, else null: node lookups and `_entities` go through it. */
export function visible<T extends { ownerId: string | null }>(context: Pick<Context, 'identity' | 'tenantId'>, resource: ScopedResource, row: T | null): T | null {
  return row && readable(principal(context), resource, row) ? row : null;
}

/** Only the rows the caller may read (lists reached through another record, e.g. an account's contacts). */
export function visibleRows<T extends { ownerId: string | null }>(context: Pick<Context, 'identity' | 'tenantId'>, resource: ScopedResource, rows: T[]): T[] {
  const who = principal(context);
  return rows.filter((row) => readable(who, resource, row));
}

/**
 * FORBIDDEN unless the caller may `action` every listed record of the tenant. Ids that are not
 * records of the tenant are left to the service (NOT_FOUND there).
 */
export async function authorize(
  context: Pick<Context, 'identity' | 'tenantId' | 'db'>,
  resource: ScopedResource,
  action: 'update' | 'delete',
  ids: readonly (string | null | undefined)[],
): Promise<void> {
  const { db } = requireTenant(context);
  const wanted = [...new Set(ids.filter((id): id is string => typeof id === 'string' && isUuid(id)).map((id) => id.toLowerCase()))];
  if (wanted.length === 0) return;
  const who = principal(context);
  const delegate = db[resource] as unknown as { findMany(args: object): Promise<{ id: string; ownerId: string | null }[]> };
  const rows = await delegate.findMany({ where: { id: { in: wanted } }, select: { id: true, ownerId: true } });
  guard(() => rows.forEach((row) => assertCan(who, resource, action, row)));
}

/**
 * The owner a new record gets (see `ownerForCreate` in @crm/authz): without tenant scope an
 * unowned record becomes the caller's, and a named owner must be within the caller's scope.
 */
export function ownerOfNew(context: Pick<Context, 'identity' | 'tenantId'>, resource: ScopedResource, requested: string | null | undefined): string | null {
  return guard(() => ownerForCreate(principal(context), resource, requested));
}

/**
 * The caller's ownership rules for batch upserts, applied per item once the service knows whether
 * the item creates a record or changes one (matched by id or by e-mail/domain).
 */
export async function ownershipGuard(
  context: Pick<Context, 'identity' | 'tenantId' | 'records' | 'log'>,
  resource: ScopedResource,
  inputs: readonly { ownerId?: string | null }[],
): Promise<OwnershipGuard> {
  const who = principal(context);
  // every owner the batch names is asked at once; each item is then refused on its own
  const missing = inputs.length > MAX_BATCH_ITEMS ? new Set<string>() : await missingOwners(context, inputs.map((input) => input.ownerId));
  return {
    change(existing, ownerId) {
      guard(() => {
        assertCan(who, resource, 'update', existing);
        if (ownerId !== undefined) assertCan(who, resource, 'update', { ownerId });
      });
    },
    create: (ownerId) => guard(() => ownerForCreate(who, resource, ownerId)),
    ownerExists(ownerId, field) {
      if (isMissingOwner(missing, ownerId)) throw unknownOwner(field);
    },
  };
}

function guard<T>(decide: () => T): T {
  try {
    return decide();
  } catch (error) {
    if (error instanceof AccessDeniedError) throw forbidden(error.message);
    throw error;
  }
}
