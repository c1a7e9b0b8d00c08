/**
 * System Admin access to a tenant is itself audited.
 *
 * A System Admin holds global grants. Whenever the gateway authenticates one acting in a tenant
 * (HTTP, BI routes, files, subscriptions), it publishes `platform.tenant.system_admin_accessed` for
 * that tenant (actor: the System Admin; aggregate: the tenant; payload: the user and the request
 * id). The platform's audit consumer records it like every platform event, so the tenant's admins
 * see in their own audit log who from the platform operator looked in, and when.
 *
 * One entry per System Admin and tenant per `windowSeconds` (default 15 minutes), remembered in the
 * shared cache (Redis in production), so a working session is one entry, not one per request. The
 * event is published before the request proceeds; when it cannot be published the request goes on
 * and an error is logged (the audit trail then misses it, the service stays available).
 */
import { createEvent, topicOf, type EventBus } from '@crm/events';
import { globalKey, type Cache, type Identity, type Logger } from '@crm/runtime';

export const SYSTEM_ADMIN_ACCESSED = 'platform.tenant.system_admin_accessed';
const SYSTEM_ADMIN = 'SYSTEM_ADMIN';

export interface SystemAdminAccessOptions {
  bus: Pick<EventBus, 'publish'>;
  cache: Cache;
  logger: Logger;
  /** One audit entry per System Admin and tenant within this many seconds. Default 900. */
  windowSeconds?: number;
}

export interface SystemAdminAccessAudit {
  /** Audits `identity` when it is a System Admin acting in a tenant (at most once per window); otherwise does nothing. */
  observe(identity: Identity): Promise<void>;
}

export function systemAdminAccessKey(tenantId: string, userId: string): string {
  return globalKey('system-admin-access', `${tenantId}:${userId}`);
}

export function createSystemAdminAccessAudit(options: SystemAdminAccessOptions): SystemAdminAccessAudit {
  const window = options.windowSeconds ?? 900;
  return {
    async observe(identity) {
      const { tenantId, userId } = identity;
      if (!tenantId || !userId || !identity.roles.some((role) => role.toUpperCase() === SYSTEM_ADMIN)) return;
      const key = systemAdminAccessKey(tenantId, userId);
      try {
        if ((await options.cache.get(key)) !== null) return;
        await options.bus.publish(topicOf('platform'), [
          createEvent({
            type: SYSTEM_ADMIN_ACCESSED,
            tenantId,
            actor: { userId, kind: 'user' },
            aggregateId: tenantId,
            payload: { userId, requestId: identity.requestId },
          }),
        ]);
        await options.cache.set(key, new Date().toISOString(), window);
      } catch (error) {
        options.logger.error({ err: error, tenantId, userId }, 'could not audit a System Admin’s access to a tenant');
      }
    },
  };
}
