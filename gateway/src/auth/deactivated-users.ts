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
 * A user erased under GDPR is deactivated too, in the same transaction; the platform reports it
 * with `platform.personal_data.erased` (payload `userId`), which counts as a deactivation here.
 * The same events close the user's open subscription connections on each instance
 * (`subscriptions/user-connections.ts`, through `deactivationOf`).
 *
 * Each instance also remembers what it read for `memoryMs` (default 1 s), so a busy caller costs
 * no cache round trip per request; the events above update that memory at once on every instance
 * (each reads them all), so it only matters for an instance whose consumer lags.
 *
 * The record lives `ttlSeconds` (default one day, far beyond any access-token lifetime). When the
 * shared cache cannot be read, tokens are accepted (a warning is logged): authentication does not
 * stop with the cache, and the token's own expiry still bounds the exposure.
 */
import type { EventEnvelope } from '@crm/events';
import { globalKey, type Cache, type Logger } from '@crm/runtime';

export const USER_DEACTIVATED = 'platform.user.deactivated';
/** Emitted by the platform when it has erased a contact's or a user's personal data (payload `contactId` or `userId`). */
export const PERSONAL_DATA_ERASED = 'platform.personal_data.erased';

export interface DeactivatedUsersOptions {
  cache: Cache;
  logger: Logger;
  /** How long a deactivation is remembered, seconds. Default 86 400 (one day). */
  ttlSeconds?: number;
  /** How long this instance reuses what it read from the cache, ms. Default 1 000; 0 reads every time. */
  memoryMs?: number;
  /** Clock, ms. Default `Date.now`. */
  now?: () => number;
}

/** Most users remembered per instance. */
const MEMORY_ENTRIES = 10_000;

/**
 * The fields of a platform event this module reads (the aggregate of a user event is the user; an
 * erasure names its user in the payload).
 */
export type UserStatusEvent = Pick<EventEnvelope, 'type' | 'tenantId' | 'aggregateId' | 'occurredAt'> & { payload?: Record<string, unknown> };

/** A user taken away from a tenant: their tokens issued up to `at` (ms) no longer count. */
export interface Deactivation {
  tenantId: string;
  userId: string;
  at: number;
}

/** The deactivation an event reports (`platform.user.deactivated`, or the erasure of a user), else null. */
export function deactivationOf(event: UserStatusEvent): Deactivation | null {
  if (!event.tenantId) return null;
  let userId: string | undefined;
  if (event.type === USER_DEACTIVATED) userId = event.aggregateId;
  else if (event.type === PERSONAL_DATA_ERASED && typeof event.payload?.['userId'] === 'string') userId = event.payload['userId'];
  if (!userId) return null;
  const at = Date.parse(event.occurredAt);
  return { tenantId: event.tenantId, userId, at: Number.isFinite(at) ? at : Date.now() };
}

/** Whether a token issued at `issuedAtMs` predates a deactivation at `deactivatedAtMs`. */
export function issuedBefore(issuedAtMs: number, deactivatedAtMs: number): boolean {
  // `iat` has whole seconds: a token from the same second as the deactivation counts as earlier.
  return !Number.isFinite(deactivatedAtMs) || issuedAtMs <= deactivatedAtMs;
}

export interface DeactivatedUsers {
  /** Records a deactivation (`deactivationOf`); other events are ignored. */
  observe(event: UserStatusEvent): Promise<void>;
  /** Whether a token of this user issued at `issuedAtMs` predates the user's deactivation. */
  revoked(tenantId: string, userId: string, issuedAtMs: number): Promise<boolean>;
}

export function deactivatedUserKey(tenantId: string, userId: string): string {
  return globalKey('deactivated-user', `${tenantId}:${userId}`);
}

export function createDeactivatedUsers(options: DeactivatedUsersOptions): DeactivatedUsers {
  const ttl = options.ttlSeconds ?? 86_400;
  const memoryMs = options.memoryMs ?? 1_000;
  const now = options.now ?? Date.now;
  /** What this instance read lately: the deactivation moment (or null: none), until `until`. */
  const memory = new Map<string, { at: number | null; until: number }>();
  const remember = (key: string, at: number | null) => {
    if (memoryMs <= 0) return;
    if (memory.size >= MEMORY_ENTRIES) memory.clear();
    memory.set(key, { at, until: now() + memoryMs });
  };
  return {
    async observe(event) {
      const deactivation = deactivationOf(event);
      if (!deactivation) return;
      const { tenantId, userId, at } = deactivation;
      // this instance refuses the user's earlier tokens at once, whatever the shared cache says
      remember(deactivatedUserKey(tenantId, userId), at);
      try {
        await options.cache.set(deactivatedUserKey(tenantId, userId), String(at), ttl);
      } catch (error) {
        options.logger.warn({ err: error, tenantId, userId, type: event.type }, 'could not record a change of user status');
      }
    },
    async revoked(tenantId, userId, issuedAtMs) {
      const key = deactivatedUserKey(tenantId, userId);
      const known = memory.get(key);
      if (known && known.until > now()) return known.at !== null && issuedBefore(issuedAtMs, known.at);
      let value: string | null;
      try {
        value = await options.cache.get(key);
      } catch (error) {
        options.logger.warn({ err: error, tenantId, userId }, 'deactivated users unavailable; accepting the token');
        return false;
      }
      const at = value === null ? null : Number(value);
      remember(key, at);
      return at !== null && issuedBefore(issuedAtMs, at);
    },
  };
}
