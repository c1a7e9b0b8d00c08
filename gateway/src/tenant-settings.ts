/**
 * What the gateway applies per tenant at the edge, from the platform subgraph: the plan's cost
 * budget and request limit, and the tenant's CORS allowlist (`POST /internal/tenants/edge-settings`), and whether any
 * tenant allows a browser origin (`POST /internal/tenants/origin-allowed`, for preflights, which
 * carry no credentials). Both routes are signed like every gateway request to a subgraph.
 *
 * Answers are kept in two layers: in this process for `localTtlMs` (default 5 s, at most
 * `maxLocalEntries`), so the hot path costs no round trip, and in the shared cache (Redis in
 * production) for `ttlSeconds` (default 60), so replicas ask the platform once per minute. A plan
 * or allowlist change therefore applies within `ttlSeconds` + `localTtlMs`. Origins that no tenant
 * allows are remembered in this process only, so junk origins never fill the shared cache. When the
 * platform cannot answer, nothing is cached: budgets fall back to the deployment's default and
 * unknown origins are refused.
 */
import { callInternalRoute, globalKey, type Cache, type Logger } from '@crm/runtime';

export const EDGE_SETTINGS_PATH = '/internal/tenants/edge-settings';
export const ORIGIN_ALLOWED_PATH = '/internal/tenants/origin-allowed';

export interface TenantEdgeSettings {
  plan: string;
  costBudgetPerMinute: number;
  /**
   * Requests the whole tenant may make per minute (request rate limits); absent from a platform
   * that predates per-plan request limits, and then the deployment's flat limit applies.
   */
  requestsPerMinute?: number;
  corsOrigins: string[];
}

/** Asks the source of truth; throws when it cannot answer. */
export interface TenantSettingsLookup {
  /** A tenant's settings, or null when there is no such tenant. */
  settings(tenantId: string): Promise<TenantEdgeSettings | null>;
  /** Whether any tenant lists `origin`. */
  originAllowed(origin: string): Promise<boolean>;
}

export interface TenantSettingsOptions {
  lookup: TenantSettingsLookup;
  cache: Cache;
  logger: Logger;
  /** Shared-cache lifetime of an answer, seconds. Default 60. */
  ttlSeconds?: number;
  /** In-process lifetime of an answer, ms. Default 5 000. */
  localTtlMs?: number;
  /** Answers kept in this process at most (oldest dropped). Default 10 000. */
  maxLocalEntries?: number;
  /** The current time, ms. Default `Date.now`. */
  clock?: () => number;
}

export interface TenantSettings {
  /** The tenant's settings; null for an unknown tenant, undefined when the platform cannot answer. */
  settingsOf(tenantId: string): Promise<TenantEdgeSettings | null | undefined>;
  /** Whether any tenant allows `origin` (false when the platform cannot answer). */
  allowedByAnyTenant(origin: string): Promise<boolean>;
  /** Whether this tenant allows `origin` (false when the platform cannot answer). */
  allowedForTenant(tenantId: string, origin: string): Promise<boolean>;
}

/** Settings in an answer of the platform: the settings, null (unknown tenant), or undefined when malformed. */
export function parseEdgeSettings(body: unknown): TenantEdgeSettings | null | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = body as Record<string, unknown>;
  if (value['found'] === false) return null;
  const { plan, costBudgetPerMinute, requestsPerMinute, corsOrigins } = value;
  if (typeof plan !== 'string' || !isPositiveInteger(costBudgetPerMinute)) return undefined;
  if (requestsPerMinute !== undefined && !isPositiveInteger(requestsPerMinute)) return undefined;
  if (!Array.isArray(corsOrigins) || !corsOrigins.every((origin): origin is string => typeof origin === 'string')) return undefined;
  return { plan, costBudgetPerMinute, ...(requestsPerMinute !== undefined ? { requestsPerMinute } : {}), corsOrigins };
}

const isPositiveInteger = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value > 0;

/** The platform's routes next to its GraphQL url, signed with the shared secret. */
export function platformTenantSettingsLookup(options: { platformUrl: string; signingSecret: string; timeoutMs?: number }): TenantSettingsLookup {
  const call = (path: string, body: unknown) =>
    callInternalRoute(new URL(path, options.platformUrl).toString(), options.signingSecret, body, { requester: 'gateway-tenant-settings', timeoutMs: options.timeoutMs });
  return {
    async settings(tenantId) {
      const settings = parseEdgeSettings(await call(EDGE_SETTINGS_PATH, { tenantId }));
      if (settings === undefined) throw new Error('the platform answered a tenant settings lookup with something unexpected');
      return settings;
    },
    async originAllowed(origin) {
      const answer = (await call(ORIGIN_ALLOWED_PATH, { origin })) as { allowed?: unknown } | undefined;
      if (typeof answer?.allowed !== 'boolean') throw new Error('the platform answered an origin lookup with something unexpected');
      return answer.allowed;
    },
  };
}

/** `scheme://host[:port]` exactly as browsers send it in `Origin`; anything else is never looked up. */
export function isOrigin(value: string): boolean {
  if (value.length > 255 || !/^https?:\/\/[^/?#@\s]+$/i.test(value)) return false;
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

export function createTenantSettings(options: TenantSettingsOptions): TenantSettings {
  const ttl = options.ttlSeconds ?? 60;
  const localTtl = options.localTtlMs ?? 5_000;
  const maxLocal = options.maxLocalEntries ?? 10_000;
  const now = options.clock ?? Date.now;
  const local = new Map<string, { value: unknown; expires: number }>();
  const inFlight = new Map<string, Promise<unknown>>();

  const remember = (key: string, value: unknown) => {
    local.delete(key);
    if (local.size >= maxLocal) {
      const oldest = local.keys().next().value;
      if (oldest !== undefined) local.delete(oldest);
    }
    local.set(key, { value, expires: now() + localTtl });
  };

  /** The answer for `key`: this process, the shared cache, else `ask` (one call per key at a time). */
  async function cached<T>(key: string, ask: () => Promise<T>, parse: (raw: unknown) => T | undefined, share: (value: T) => boolean): Promise<T | undefined> {
    const hit = local.get(key);
    if (hit && hit.expires > now()) return hit.value as T;
    let pending = inFlight.get(key) as Promise<T | undefined> | undefined;
    if (!pending) {
      pending = (async () => {
        const raw = await options.cache.get(key).catch(() => null);
        if (raw !== null) {
          try {
            const value = parse(JSON.parse(raw));
            if (value !== undefined) {
              remember(key, value);
              return value;
            }
          } catch {
            // unreadable entry: ask again
          }
        }
        try {
          const value = await ask();
          remember(key, value);
          if (share(value)) await options.cache.set(key, JSON.stringify(value), ttl).catch((error: unknown) => options.logger.warn({ err: error }, 'tenant settings cache write failed'));
          return value;
        } catch (error) {
          options.logger.warn({ err: error, key }, 'tenant settings unavailable');
          return undefined;
        }
      })().finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  }

  const settingsOf = (tenantId: string) =>
    cached(globalKey('tenant-edge', tenantId), () => options.lookup.settings(tenantId), parseEdgeSettings, (value) => value !== null);

  return {
    settingsOf,
    async allowedByAnyTenant(origin) {
      if (!isOrigin(origin)) return false;
      const allowed = await cached(
        globalKey('cors-origin', origin),
        () => options.lookup.originAllowed(origin),
        (raw) => (typeof raw === 'boolean' ? raw : undefined),
        (value) => value,
      );
      return allowed === true;
    },
    async allowedForTenant(tenantId, origin) {
      return (await settingsOf(tenantId))?.corsOrigins.includes(origin) === true;
    },
  };
}
