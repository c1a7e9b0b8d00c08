/**
 * The request context every resolver receives. Resolvers reach data only through `db`
 * (scoped to the caller's tenant) and the loaders; `prisma` is the unscoped client, reserved for
 * services that set the tenant themselves.
 */
import { forTenant } from '@crm/db';
import { HttpError, unauthenticated, type Identity, type Logger } from '@crm/runtime';
import type { PrismaClient } from './__generated__/prisma/client.ts';
import { createLoaders, type Loaders } from './loaders.ts';
import { isUuid } from './modules/pipeline-summary/lib/ids.ts';
import type { TenantDb } from './modules/pipeline-summary/services/pipeline-summary.ts';
import type { Services } from './services.ts';

export type { TenantDb };

export interface Context {
  identity: Identity;
  tenantId: string | null;
  /** `forTenant(prisma, tenantId)`; null when the caller has no tenant. */
  db: TenantDb | null;
  prisma: PrismaClient;
  loaders: Loaders;
  services: Services;
  log: Logger;
}

export function createContext(deps: { identity: Identity; prisma: PrismaClient; services: Services; logger: Logger }): Context {
  const { identity, prisma, services, logger } = deps;
  const tenantId = identity.tenantId;
  if (tenantId !== null && !isUuid(tenantId)) throw new HttpError(403, 'FORBIDDEN', 'The identity names no valid tenant');
  const db = tenantId ? forTenant(prisma, tenantId) : null;
  return {
    identity,
    tenantId,
    db,
    prisma,
    loaders: createLoaders(tenantId && db ? { tenantId, db } : null),
    services,
    log: logger.child({ requestId: identity.requestId, tenantId, userId: identity.userId }),
  };
}

/** The caller's tenant and its scoped client; throws UNAUTHENTICATED when there is none. */
export function requireTenant(context: Context): { tenantId: string; db: TenantDb } {
  if (!context.tenantId || !context.db) throw unauthenticated();
  return { tenantId: context.tenantId, db: context.db };
}
