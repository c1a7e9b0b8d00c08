/**
 * The per-request context every sales resolver receives.
 *
 * Built from the identity the gateway signed. `db` is the tenant-scoped client (every query runs
 * with `app.tenant_id` set and `tenantId` added to its filters), so resolvers cannot read across
 * tenants by accident; the base `prisma` client is for services that set the tenant themselves.
 */
import type { EventEnvelope } from '@crm/events';
import { unauthenticated, type Identity, type Logger } from '@crm/runtime';
import type { PrismaClient } from './__generated__/prisma/client.ts';
import type { Loaders } from './loaders.ts';
import type { SalesServices } from './services.ts';

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
