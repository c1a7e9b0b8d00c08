/**
 * Partners' API keys at the edge: recognising one, asking the platform who it acts as, and
 * remembering the answer for a short while.
 *
 * A key is `crm_` + 43 base64url characters (the format the platform issues). The gateway never
 * sees the key table: it asks the platform subgraph over `POST /internal/api-keys/verify`, signed
 * with the same HMAC identity header every subgraph request carries, and the platform records
 * the key's last use there (at most once a minute per key).
 *
 * Answers are cached in the shared cache (Redis in production), under the key's SHA-256 digest,
 * never the key itself: valid keys for `cacheTtlSeconds` (default 30), unknown, revoked or
 * expired ones for `negativeCacheTtlSeconds` (default 5). So a revoked key keeps working for at
 * most `cacheTtlSeconds` after `revokeApiKey`, on every gateway replica; a key that expires is
 * refused from its expiry on, cached or not. A new key works at most `negativeCacheTtlSeconds`
 * after someone presented it before it existed (in practice: at once).
 */
import { createHash } from 'node:crypto';
import { callInternalRoute, globalKey, InternalRouteError, type Cache, type Logger } from '@crm/runtime';

/** `crm_` followed by 32 random bytes in base64url. */
export const API_KEY_PREFIX = 'crm_';
const API_KEY_FORMAT = /^crm_[A-Za-z0-9_-]{43}$/;

/** The header partners may send the key in instead of `Authorization: Bearer`. */
export const API_KEY_HEADER = 'x-api-key';

/** Path of the platform's verification route (served next to its `/graphql`). */
export const API_KEY_VERIFY_PATH = '/internal/api-keys/verify';

/** Whether a credential is meant as an API key (by its prefix); the format is checked separately. */
export const isApiKeyCredential = (value: string): boolean => value.startsWith(API_KEY_PREFIX);

/** Whether a string has the exact shape of an API key. */
export const isWellFormedApiKey = (value: string): boolean => API_KEY_FORMAT.test(value);

/** What a valid API key grants. */
export interface ApiKeyGrant {
  apiKeyId: string;
  tenantId: string;
  roles: string[];
  /** Only persisted operations may be run with the key. */
  persistedOnly: boolean;
  /** When the key stops working, ms since the epoch; null = never. */
  expiresAt: number | null;
}

/** Asks the source of truth about one key: its grant, or null when unknown, revoked or expired. */
export type ApiKeyLookup = (key: string) => Promise<ApiKeyGrant | null>;

/** The platform could not be asked (unreachable, timed out, or answered something unexpected). */
export class ApiKeyLookupError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'ApiKeyLookupError';
  }
}

export interface PlatformLookupOptions {
  /** The platform's verification route, e.g. `http://platform:4001/internal/api-keys/verify`. */
  url: string;
  /** HMAC secret shared with the subgraphs. */
  signingSecret: string;
  /** Timeout of one verification, ms. Default 3 000. */
  timeoutMs?: number;
}

/** The verification route next to a subgraph's GraphQL url (`…/graphql` → `…/internal/api-keys/verify`). */
export function apiKeyVerifyUrl(platformGraphqlUrl: string): string {
  return new URL(API_KEY_VERIFY_PATH, platformGraphqlUrl).toString();
}

/** Looks keys up on the platform subgraph, signed like every gateway request to a subgraph. */
export function platformApiKeyLookup(options: PlatformLookupOptions): ApiKeyLookup {
  return async (key) => {
    let answer: unknown;
    try {
      answer = await callInternalRoute(options.url, options.signingSecret, { key }, { requester: 'gateway-api-key-lookup', timeoutMs: options.timeoutMs });
    } catch (error) {
      const status = error instanceof InternalRouteError ? error.status : undefined;
      throw new ApiKeyLookupError(status ? `the platform answered ${status} to an API key verification` : 'the platform could not be reached to verify an API key', error);
    }
    const grant = parseAnswer(answer);
    if (grant === undefined) throw new ApiKeyLookupError('the platform answered an API key verification with something unexpected');
    return grant;
  };
}

/** The grant in a verification answer; null for `valid: false`, undefined when malformed. */
export function parseAnswer(body: unknown): ApiKeyGrant | null | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const answer = body as Record<string, unknown>;
  if (answer['valid'] === false) return null;
  const { tenantId, roles, apiKeyId, persistedOnly, expiresAt } = answer;
  if (answer['valid'] !== true || typeof tenantId !== 'string' || typeof apiKeyId !== 'string' || typeof persistedOnly !== 'boolean') return undefined;
  if (!Array.isArray(roles) || !roles.every((role): role is string => typeof role === 'string')) return undefined;
  if (expiresAt !== null && expiresAt !== undefined && typeof expiresAt !== 'string') return undefined;
  const expires = typeof expiresAt === 'string' ? Date.parse(expiresAt) : null;
  if (expires !== null && Number.isNaN(expires)) return undefined;
  return { apiKeyId, tenantId, roles, persistedOnly, expiresAt: expires };
}

export interface ApiKeyCacheOptions {
  /** How long a valid key is remembered, seconds; also the longest a revocation takes to apply. Default 30. */
  cacheTtlSeconds?: number;
  /** How long an unknown, revoked or expired key is remembered, seconds. Default 5. */
  negativeCacheTtlSeconds?: number;
}

export const API_KEY_CACHE_DEFAULTS = { cacheTtlSeconds: 30, negativeCacheTtlSeconds: 5 } as const;

export interface ApiKeyVerifierOptions extends ApiKeyCacheOptions {
  lookup: ApiKeyLookup;
  /** Shared cache of answers (Redis in production). */
  cache: Cache;
  logger: Logger;
  /** The current time, ms. Default `Date.now`. */
  clock?: () => number;
}

export interface ApiKeyVerifier {
  /**
   * The grant of a presented key, or null when it is malformed, unknown, revoked or expired.
   * Throws `ApiKeyLookupError` when the platform cannot answer and nothing is cached.
   */
  verify(key: string): Promise<ApiKeyGrant | null>;
}

const INVALID = 'invalid';

export function createApiKeyVerifier(options: ApiKeyVerifierOptions): ApiKeyVerifier {
  const { cacheTtlSeconds, negativeCacheTtlSeconds } = { ...API_KEY_CACHE_DEFAULTS, ...options };
  const clock = options.clock ?? Date.now;
  // concurrent requests with the same key share one lookup
  const inFlight = new Map<string, Promise<ApiKeyGrant | null>>();

  const usable = (grant: ApiKeyGrant | null) => (grant && (grant.expiresAt === null || grant.expiresAt > clock()) ? grant : null);

  async function readCache(cacheKey: string): Promise<ApiKeyGrant | null | undefined> {
    const cached = await options.cache.get(cacheKey).catch((error: unknown) => {
      options.logger.warn({ err: error }, 'API key cache read failed; asking the platform');
      return null;
    });
    if (cached === null) return undefined;
    if (cached === INVALID) return null;
    try {
      return parseAnswer({ valid: true, ...(JSON.parse(cached) as object) }) ?? undefined;
    } catch {
      return undefined;
    }
  }

  async function lookUp(key: string, cacheKey: string): Promise<ApiKeyGrant | null> {
    const grant = await options.lookup(key);
    const value = grant ? JSON.stringify({ ...grant, expiresAt: grant.expiresAt === null ? null : new Date(grant.expiresAt).toISOString() }) : INVALID;
    await options.cache.set(cacheKey, value, grant ? cacheTtlSeconds : negativeCacheTtlSeconds).catch((error: unknown) => {
      options.logger.warn({ err: error }, 'API key cache write failed');
    });
    return grant;
  }

  return {
    async verify(key) {
      if (!isWellFormedApiKey(key)) return null;
      const cacheKey = apiKeyCacheKey(key);
      const cached = await readCache(cacheKey);
      if (cached !== undefined) return usable(cached);
      let pending = inFlight.get(cacheKey);
      if (!pending) {
        pending = lookUp(key, cacheKey).finally(() => inFlight.delete(cacheKey));
        inFlight.set(cacheKey, pending);
      }
      return usable(await pending);
    },
  };
}

/** Where the answer for a key is cached: its digest, so the shared cache never holds a usable key. */
export function apiKeyCacheKey(key: string): string {
  return globalKey('apikey', createHash('sha256').update(key, 'utf8').digest('hex'));
}
