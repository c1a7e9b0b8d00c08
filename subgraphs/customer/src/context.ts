/**
 * What every customer resolver receives: who is calling, a tenant-scoped database client,
 * request-scoped loaders and the domain services.
 */
import { forbidden, unauthenticated, type Identity, type Logger } from '@crm/runtime';
import type { EventEnvelope } from '@crm/events';
import type { PrismaClient } from './__generated__/prisma/client.ts';
import type { Loaders } from './loaders.ts';
import type { CustomerServices } from './services.ts';

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
const ADMIN_ROLES = new Set(['TENANT_ADMIN', 'SYSTEM_ADMIN']);

/** Like {@link requireTenant}, and FORBIDDEN unless the caller is a tenant (or system) admin. */
export function requireTenantAdmin(
  context: Pick<Context, 'tenantId' | 'db' | 'identity'>,
  message = 'Only tenant admins may delete records for good',
): { tenantId: string; db: TenantDb } {
  const scoped = requireTenant(context);
  if (!context.identity.roles.some((role) => ADMIN_ROLES.has(role.toUpperCase()))) throw forbidden(message);
  return scoped;
}
