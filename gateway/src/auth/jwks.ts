/**
 * The platform's public signing keys (JWKS), shared by every gateway instance through the cache.
 *
 * Lookups never go to the network per request: the key set lives in the shared cache for
 * `ttlSeconds` and in this process for `localTtlMs`, and jose keeps each imported key by key id.
 * A token signed with a key id we do not know forces one refetch (key rotation), at most once per
 * `refetchCooldownMs` so a flood of made-up key ids cannot turn into a flood of fetches.
 * When the platform cannot be reached the last known key set keeps working.
 */
import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { globalKey, type Cache, type Logger } from '@crm/runtime';

export type KeySet = ReturnType<typeof createLocalJWKSet>;

export interface JwksStoreOptions {
  /** Where the platform publishes its keys, e.g. `http://platform:4004/.well-known/jwks.json`. */
  url: string;
  cache: Cache;
  logger: Logger;
  /** Cache key of the shared copy. Default `g:jwks`. */
  cacheKey?: string;
  /** Lifetime of the shared copy, seconds. Default 300. */
  ttlSeconds?: number;
  /** How long this process reuses its copy before reading the shared one again, ms. Default 30 000. */
  localTtlMs?: number;
  /** Minimum time between refetches caused by unknown key ids, ms. Default 30 000. */
  refetchCooldownMs?: number;
  /** Timeout of one JWKS download, ms. Default 5 000. */
  fetchTimeoutMs?: number;
}

/** The key set could not be obtained at all (platform unreachable and nothing known yet). */
export class JwksUnavailableError extends Error {
  constructor(cause: unknown) {
    super('signing keys are unavailable', { cause });
    this.name = 'JwksUnavailableError';
  }
}

interface Loaded {
  json: string;
  keySet: KeySet;
  loadedAt: number;
}

export class JwksStore {
  private loaded: Loaded | undefined;
  private loading: Promise<Loaded> | undefined;
  private lastRefetchAt = Number.NEGATIVE_INFINITY;
  private readonly cacheKey: string;

  constructor(private readonly options: JwksStoreOptions) {
    this.cacheKey = options.cacheKey ?? globalKey('jwks');
  }

  /** The current key set (from memory, then the shared cache, then the platform). */
  async keySet(): Promise<KeySet> {
    const loaded = this.loaded;
    if (loaded && Date.now() - loaded.loadedAt < (this.options.localTtlMs ?? 30_000)) return loaded.keySet;
    return (await this.load(false)).keySet;
  }

  /**
   * Downloads the key set again, bypassing the shared copy; used when a token names an unknown
   * key id. Returns null while cooling down from the previous refetch.
   */
  async refetch(): Promise<KeySet | null> {
    if (this.loading) return (await this.loading).keySet;
    if (Date.now() - this.lastRefetchAt < (this.options.refetchCooldownMs ?? 30_000)) return null;
    this.lastRefetchAt = Date.now();
    return (await this.load(true)).keySet;
  }

  private load(bypassCache: boolean): Promise<Loaded> {
    this.loading ??= this.fetchKeys(bypassCache).finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async fetchKeys(bypassCache: boolean): Promise<Loaded> {
    if (!bypassCache) {
      const shared = await this.options.cache.get(this.cacheKey).catch((error: unknown) => {
        this.options.logger.warn({ err: error }, 'JWKS cache read failed');
        return null;
      });
      if (shared) {
        const fromCache = this.accept(shared);
        if (fromCache) return fromCache;
      }
    }
    try {
      const response = await fetch(this.options.url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.options.fetchTimeoutMs ?? 5_000),
      });
      if (!response.ok) throw new Error(`JWKS endpoint answered ${response.status}`);
      const text = await response.text();
      const fresh = this.accept(text);
      if (!fresh) throw new Error('JWKS endpoint returned something that is not a key set');
      await this.options.cache.set(this.cacheKey, fresh.json, this.options.ttlSeconds ?? 300).catch((error: unknown) => {
        this.options.logger.warn({ err: error }, 'JWKS cache write failed');
      });
      return fresh;
    } catch (error) {
      if (this.loaded) {
        this.options.logger.warn({ err: error, url: this.options.url }, 'JWKS refresh failed; keeping the last known keys');
        this.loaded = { ...this.loaded, loadedAt: Date.now() };
        return this.loaded;
      }
      throw new JwksUnavailableError(error);
    }
  }

  /** Parses a JWKS document; keeps the imported keys when it did not change. */
  private accept(json: string): Loaded | null {
    if (this.loaded?.json === json) {
      this.loaded = { ...this.loaded, loadedAt: Date.now() };
      return this.loaded;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      return null;
    }
    if (!isKeySet(parsed)) return null;
    this.loaded = { json, keySet: createLocalJWKSet(parsed), loadedAt: Date.now() };
    return this.loaded;
  }
}

function isKeySet(value: unknown): value is JSONWebKeySet {
  if (typeof value !== 'object' || value === null) return false;
  const keys = (value as { keys?: unknown }).keys;
  return Array.isArray(keys) && keys.every((key) => typeof key === 'object' && key !== null && typeof (key as { kty?: unknown }).kty === 'string');
}
