/**
 * Deactivated users: their access tokens stop working at once, not when they expire.
 *
 * A deactivated user can no longer sign in or refresh, but an access token issued before stays
 * cryptographically valid until its `exp` (up to one access-token lifetime). The platform emits
 * `platform.user.deactivated` when a tenant admin deactivates someone; every gateway instance
 * reads it (the subscription consumer) and records the moment in the shared cache (Redis in
 * production), so all instances refuse that user's tokens issued before it (HTTP 401,
 * UNAUTHENTICATED) within about a second of the change. After `platform.user.reactivated` the user
 * signs in again: tokens issued after the deactivation are accepted, the earlier ones stay refused.
 *
 * The record lives `ttlSeconds` (default one day, far beyond any access-token lifetime). When the
 * shared cache cannot be read, tokens are accepted (a warning is logged): authentication does not
 * stop with the cache, and the token's own expiry still bounds the exposure.
 */
import type { EventEnvelope } from '@crm/events';
import { globalKey, type Cache, type Logger } from '@crm/runtime';

export const USER_DEACTIVATED = 'platform.user.deactivated';

export interface DeactivatedUsersOptions {
  cache: Cache;
  logger: Logger;
  /** How long a deactivation is remembered, seconds. Default 86 400 (one day). */
  ttlSeconds?: number;
}

/** The fields of a platform event this module reads (the aggregate of a user event is the user). */
export type UserStatusEvent = Pick<EventEnvelope, 'type' | 'tenantId' | 'aggregateId' | 'occurredAt'>;

export interface DeactivatedUsers {
  /** Records a `platform.user.deactivated`; other events are ignored. */
  observe(event: UserStatusEvent): Promise<void>;
  /** Whether a token of this user issued at `issuedAtMs` predates the user's deactivation. */
  revoked(tenantId: string, userId: string, issuedAtMs: number): Promise<boolean>;
}

export function deactivatedUserKey(tenantId: string, userId: string): string {
  return globalKey('deactivated-user', `${tenantId}:${userId}`);
}

export function createDeactivatedUsers(options: DeactivatedUsersOptions): DeactivatedUsers {
  const ttl = options.ttlSeconds ?? 86_400;
  return {
    async observe(event) {
      if (!event.tenantId || event.type !== USER_DEACTIVATED) return;
      try {
        const at = Date.parse(event.occurredAt);
        await options.cache.set(deactivatedUserKey(event.tenantId, event.aggregateId), String(Number.isFinite(at) ? at : Date.now()), ttl);
      } catch (error) {
        options.logger.warn({ err: error, tenantId: event.tenantId, userId: event.aggregateId, type: event.type }, 'could not record a change of user status');
      }
    },
    async revoked(tenantId, userId, issuedAtMs) {
      let value: string | null;
      try {
        value = await options.cache.get(deactivatedUserKey(tenantId, userId));
      } catch (error) {
        options.logger.warn({ err: error, tenantId, userId }, 'deactivated users unavailable; accepting the token');
        return false;
      }
      if (value === null) return false;
      const deactivatedAt = Number(value);
      // `iat` has whole seconds: a token from the same second as the deactivation counts as earlier.
      return !Number.isFinite(deactivatedAt) || issuedAtMs <= deactivatedAt;
    },
  };
}
