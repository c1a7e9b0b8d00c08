/**
 * One cache interface, two stores: Redis (ioredis) when `REDIS_URL` is set, memory otherwise.
 * Keys that hold tenant data are built with `tenantKey` so they are prefixed by tenant.
 */
import { Redis } from 'ioredis';

export interface Cache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
  readonly kind: 'redis' | 'memory';
}

export const tenantKey = (tenantId: string, ...parts: string[]) => ['t', tenantId, ...parts].join(':');
export const globalKey = (...parts: string[]) => ['g', ...parts].join(':');

export class MemoryCache implements Cache {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  constructor(private readonly maxEntries = 10_000) {}

  async get(key: string) {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return null;
    }
    return entry.value;
  }
  async set(key: string, value: string, ttlSeconds?: number) {
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expiresAt: ttlSeconds ? Date.now() + ttlSeconds * 1000 : Number.POSITIVE_INFINITY });
  }
  async delete(key: string) {
    this.entries.delete(key);
  }
  async close() {
    this.entries.clear();
  }
}

export class RedisCache implements Cache {
  readonly kind = 'redis' as const;
  readonly client: Redis;
  constructor(url: string, private readonly prefix = 'crm:') {
    // commands issued in the same tick (concurrent requests' limits, caches) go out in one write
    this.client = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true, enableAutoPipelining: true });
  }
  async get(key: string) {
    return this.client.get(this.prefix + key);
  }
  async set(key: string, value: string, ttlSeconds?: number) {
    if (ttlSeconds) await this.client.set(this.prefix + key, value, 'EX', Math.max(1, Math.ceil(ttlSeconds)));
    else await this.client.set(this.prefix + key, value);
  }
  async delete(key: string) {
    await this.client.del(this.prefix + key);
  }
  async close() {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

export function createCache(redisUrl: string | undefined, prefix?: string): Cache {
  return redisUrl ? new RedisCache(redisUrl, prefix) : new MemoryCache();
}

/** The `KeyValueCache` shape Apollo Server takes (e.g. for automatic persisted queries), over our `Cache`. */
export interface KeyValueStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: { ttl?: number | null }): Promise<void>;
  delete(key: string): Promise<boolean | void>;
}

export function keyValueStore(cache: Cache, prefix: string): KeyValueStore {
  return {
    get: async (key) => (await cache.get(prefix + key)) ?? undefined,
    set: (key, value, options) => cache.set(prefix + key, value, options?.ttl ?? undefined),
    delete: (key) => cache.delete(prefix + key),
  };
}
