/**
 * Per-request context of the platform subgraph. Resolvers read tenant data only through
 * `db` (scoped to the caller's tenant) and `loaders`; `prisma` is the unscoped client for
 * the few services that set the tenant themselves.
 */
import { can, principalOf as principalOfIdentity, type Action, type Principal, type Resource } from '@crm/authz';
import { forTenant } from '@crm/db';
import { forbidden, unauthenticated, type Identity, type Logger } from '@crm/runtime';
import type { PrismaClient } from './__generated__/prisma/client.ts';
import { isUuid } from './lib/arguments.ts';
import { createLoaders, type Loaders } from './loaders.ts';
import type { Services } from './services.ts';

/** A Prisma client whose every query runs as one tenant (`forTenant`). */
export type TenantDb = PrismaClient;

export interface Context {
  identity: Identity;
  tenantId: string | null;
  db: TenantDb | null;
  prisma: PrismaClient;
  loaders: Loaders;
  services: Services;
  log: Logger;
}

export interface ContextDeps {
  prisma: PrismaClient;
  services: Services;
  logger: Logger;
}

export function createContextFactory({ prisma, services, logger }: ContextDeps) {
  return (identity: Identity): Context => {
    const tenantId = isUuid(identity.tenantId) ? identity.tenantId : null;
    const db = tenantId ? forTenant(prisma, tenantId) : null;
    return {
      identity,
      tenantId,
      db,
      prisma,
      loaders: createLoaders(tenantId && db ? { tenantId, db } : null),
      services,
      log: logger.child({ requestId: identity.requestId, tenantId }),
    };
  };
}

/** The caller's tenant; UNAUTHENTICATED for anonymous callers. */
export function requireTenant(ctx: Context): { tenantId: string; db: TenantDb } {
  if (!ctx.tenantId || !ctx.db) throw unauthenticated();
  return { tenantId: ctx.tenantId, db: ctx.db };
}

/**
 * The caller as the permission table sees them; UNAUTHENTICATED for anonymous callers. Custom
 * roles' grants count here for reads only (e.g. `audit:read`, `user:read`): the platform's writes
 * hand out access (invitations with a role, API keys, OAuth clients, teams), so they keep needing
 * a built-in role that holds the permission, and a custom role can never lead to more access than
 * a tenant admin gave it.
 */
export function principalOf(ctx: Context): Principal {
  const { tenantId } = requireTenant(ctx);
  const principal = principalOfIdentity({ ...ctx.identity, tenantId });
  const reads = Object.entries(principal.customGrants ?? {}).filter(([permission]) => permission.endsWith(':read'));
  return { ...principal, customGrants: Object.fromEntries(reads) };
}

/**
 * The caller's tenant, once the permission table grants them `resource:action`
 * (FORBIDDEN otherwise, UNAUTHENTICATED for anonymous callers).
 */
export function authorize(ctx: Context, resource: Resource, action: Action): { tenantId: string; db: TenantDb; principal: Principal } {
  const principal = principalOf(ctx);
  if (!can(principal, resource, action)) throw forbidden(`Your role does not grant ${resource}:${action}`);
  return { ...requireTenant(ctx), principal };
}

/**
 * Reads the rest of this request as `tenantId`. Used only by `login`: its payload
 * (`user { team tenant … }`) belongs to the user who has just proved their password.
 */
export function enterTenant(ctx: Context, tenantId: string): void {
  if (ctx.tenantId === tenantId) return;
  ctx.tenantId = tenantId;
  ctx.db = forTenant(ctx.prisma, tenantId);
  ctx.loaders = createLoaders({ tenantId, db: ctx.db });
  ctx.log = ctx.log.child({ tenantId });
}
