/**
 * Request rate limits per tenant, per user, per API key and, for anonymous callers, per client address:
 * sliding windows in Redis (atomic Lua, shared by every replica; see `limit-store.ts` for the
 * fail-open choice when Redis is unreachable).
 *
 * Checked before the document is even parsed. Every response carries the IETF draft headers
 * `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds) of the tightest limit and
 * `RateLimit-Policy` listing them all; over a limit the answer is HTTP 429, `retry-after` and
 * `extensions.code` RATE_LIMITED. The tenant's limit may differ per tenant (its plan); the limits of
 * users, API keys and addresses are the same for everyone.
 */
import { HttpError, tenantKey, globalKey, ErrorCode, isApiKeyIdentity, type Identity } from '@crm/runtime';
import type { LimitStore } from '../limit-store.ts';

export interface RateLimitOptions {
  /**
   * Requests per window for a whole tenant; a function to vary by tenant (the gateway passes one
   * reading the tenant's plan from the platform, cached). Default 6 000.
   */
  perTenant?: number | ((tenantId: string) => number | Promise<number>);
  /** Requests per window for one user. Default 3 000. */
  perUser?: number;
  /** Requests per window for one API key (counted besides its tenant's limit). Default 3 000. */
  perApiKey?: number;
  /** Requests per window for one anonymous client address (sign-in and the like). Default 300. */
  perAnonymousAddress?: number;
  /** Window length, ms. Default 60 000. */
  windowMs?: number;
  /** Called on every refusal with the limit that refused (metrics). */
  onReject?: (limit: LimitName) => void;
  /** The current time, ms. Default `Date.now`. */
  clock?: () => number;
}

export type LimitName = 'tenant' | 'user' | 'apikey' | 'address';

export const RATE_LIMIT_DEFAULTS = { perTenant: 6_000, perUser: 3_000, perApiKey: 3_000, perAnonymousAddress: 300, windowMs: 60_000 } as const;

/** How a limit is named in messages. */
const LIMIT_LABELS: Record<LimitName, string> = { tenant: 'tenant', user: 'user', apikey: 'API key', address: 'address' };

export interface RateLimiter {
  /** Counts one request; returns the `RateLimit-*` headers or throws a 429 `HttpError`. */
  check(identity: Identity, address: string | undefined): Promise<Record<string, string>>;
}

export function useRateLimit(options: RateLimitOptions & { store: LimitStore }): RateLimiter {
  const settings = { ...RATE_LIMIT_DEFAULTS, ...options };
  const windowSeconds = Math.ceil(settings.windowMs / 1000);
  const { perTenant } = settings;
  const perTenantOf = typeof perTenant === 'function' ? perTenant : () => perTenant;

  return {
    async check(identity, address) {
      const limits: Array<{ name: LimitName; key: string; limit: number }> = identity.tenantId
        ? [
            { name: 'tenant', key: tenantKey(identity.tenantId, 'rate', 'tenant'), limit: await perTenantOf(identity.tenantId) },
            ...(identity.userId ? [{ name: 'user' as const, key: tenantKey(identity.tenantId, 'rate', 'user', identity.userId), limit: settings.perUser }] : []),
            ...(isApiKeyIdentity(identity)
              ? [{ name: 'apikey' as const, key: tenantKey(identity.tenantId, 'rate', 'apikey', identity.apiKeyId), limit: settings.perApiKey }]
              : []),
          ]
        : [{ name: 'address', key: globalKey('rate', 'address', address ?? 'unknown'), limit: settings.perAnonymousAddress }];

      const results = await settings.store.hitAll(limits, settings.windowMs, settings.clock?.() ?? Date.now());
      if (results.some((result) => !result.allowed)) {
        // the hit counted nowhere; name the limit that is full
        const at = Math.max(0, results.findIndex((result, i) => result.used >= limits[i]!.limit));
        const { name, limit } = limits[at]!;
        const retryAfter = Math.max(1, Math.ceil(results[at]!.retryAfterMs / 1000));
        settings.onReject?.(name);
        throw new HttpError(429, ErrorCode.RATE_LIMITED, `Too many requests for this ${LIMIT_LABELS[name]}; retry in ${retryAfter} s`, {
          ...headers(limits, limit, 0, results[at]!.resetMs, windowSeconds),
          'retry-after': String(retryAfter),
        });
      }
      let tightest = 0;
      results.forEach((result, i) => {
        if (limits[i]!.limit - result.used < limits[tightest]!.limit - results[tightest]!.used) tightest = i;
      });
      const { limit } = limits[tightest]!;
      return headers(limits, limit, Math.max(0, limit - results[tightest]!.used), results[tightest]!.resetMs, windowSeconds);
    },
  };
}

function headers(limits: Array<{ name: LimitName; limit: number }>, limit: number, remaining: number, resetMs: number, windowSeconds: number): Record<string, string> {
  return {
    'ratelimit-limit': String(limit),
    'ratelimit-remaining': String(remaining),
    'ratelimit-reset': String(Math.max(0, Math.ceil(resetMs / 1000))),
    'ratelimit-policy': limits.map(({ name, limit: q }) => `"${name}";q=${q};w=${windowSeconds}`).join(', '),
  };
}
