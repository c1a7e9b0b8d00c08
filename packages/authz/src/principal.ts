/**
 * From a verified identity to the decisions a subgraph applies to its records: the `Principal`
 * the permission table is read for, and the pieces every list, lookup and write uses.
 *
 * - Reads: `readWhere` is the Prisma `where` fragment of the records the caller may read (owner
 *   column `ownerId` unless told otherwise); `{}` when the caller may read the whole tenant.
 *   `readable` is its in-memory twin for one loaded row (a lookup of a record outside the scope
 *   resolves to null).
 * - Records without an owner are visible (and changeable) only with tenant scope.
 * - API keys act without a user: their role's `own` or `team` scope reaches no record; only a
 *   tenant-scoped role (e.g. TENANT_ADMIN) sees records through a key.
 * - Creates: `ownerForCreate` says who owns a new record. Without tenant scope an unowned record
 *   becomes the caller's, and a named owner must be within the caller's scope (a rep: themselves;
 *   a manager: their team). Otherwise FORBIDDEN.
 */
import { can, scopeFilter, toWhere, matchesScope } from './authorize.ts';
import { tenantGrants, type Action, type Resource } from './permissions.ts';
import type { Principal, RecordRef } from './authorize.ts';

/** The identity fields a principal is built from (structurally the identity the gateway signs). */
export interface IdentityFacts {
  tenantId: string | null;
  userId: string | null;
  roles: readonly string[];
  teamId?: string | null;
  teamMemberIds?: readonly string[];
  /** Merged grants of the caller's custom roles (`resource:action` → scope), as the gateway signed them. */
  customGrants?: Readonly<Record<string, string>>;
}

/**
 * The principal of an identity with a tenant (callers without one never reach record queries).
 * Role names are compared in upper case (`sales_rep` is `SALES_REP`), as role names are SCREAMING_CASE.
 * Custom grants keep only known permissions with a tenant, team or own scope (anything else grants nothing).
 */
export function principalOf(identity: IdentityFacts & { tenantId: string }): Principal {
  return {
    tenantId: identity.tenantId,
    userId: identity.userId,
    roles: identity.roles.map((role) => role.toUpperCase()),
    teamId: identity.teamId ?? null,
    teamMemberIds: identity.teamMemberIds ?? [],
    customGrants: tenantGrants(identity.customGrants ?? {}),
  };
}

/** A Prisma `where` fragment of the records `principal` may read; `{}` for the whole tenant. */
export function readWhere(principal: Principal, resource: Resource, ownerColumn = 'ownerId'): Record<string, unknown> {
  return toWhere(scopeFilter(principal, resource, 'read'), { owner: ownerColumn }) ?? {};
}

/** Whether a loaded row (of the principal's tenant) is within the caller's read scope. */
export function readable(principal: Principal, resource: Resource, owner: { ownerId?: string | null }): boolean {
  return matchesScope(scopeFilter(principal, resource, 'read'), { ownerId: owner.ownerId ?? null });
}

/** Why a write was refused; subgraphs turn it into FORBIDDEN. */
export class AccessDeniedError extends Error {
  constructor(
    readonly resource: Resource,
    readonly action: Action,
    message: string,
  ) {
    super(message);
    this.name = 'AccessDeniedError';
  }
}

/** Throws `AccessDeniedError` unless `principal` may `action` the record. */
export function assertCan(principal: Principal, resource: Resource, action: Action, record: Omit<RecordRef, 'tenantId'>): void {
  if (!can(principal, resource, action, { ...record, tenantId: principal.tenantId })) {
    throw new AccessDeniedError(resource, action, `You may not ${action} this ${resource}`);
  }
}

/**
 * The owner a new record gets: the requested one when the caller may create a record owned by
 * them, else (nothing requested, no tenant scope) the caller. Throws `AccessDeniedError` otherwise.
 */
export function ownerForCreate(principal: Principal, resource: Resource, requested: string | null | undefined): string | null {
  const filter = scopeFilter(principal, resource, 'create');
  const owner = requested ?? (filter.kind === 'all' ? null : principal.userId);
  if (!can(principal, resource, 'create', { tenantId: principal.tenantId, ownerId: owner })) {
    throw new AccessDeniedError(
      resource,
      'create',
      requested ? `You may not create a ${resource} owned by ${requested}` : `You may not create a ${resource}`,
    );
  }
  return owner;
}
