import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, IDENTITY_HEADER, MemoryCache, verifyIdentity, type Cache } from '@crm/runtime';
import {
  apiKeyCacheKey,
  ApiKeyLookupError,
  apiKeyVerifyUrl,
  createApiKeyVerifier,
  isWellFormedApiKey,
  parseAnswer,
  platformApiKeyLookup,
  type ApiKeyGrant,
} from './api-keys.ts';

const logger = createLogger('api-keys-test', 'silent');
const key = `crm_${'k'.repeat(43)}`;
const grant: ApiKeyGrant = { apiKeyId: 'key-1', tenantId: 'tenant-1', roles: ['SALES_MANAGER'], persistedOnly: false, expiresAt: null };

/** A lookup that answers from a map and counts its calls. */
function stubLookup(answers: Map<string, ApiKeyGrant | null>) {
  const calls: string[] = [];
  return {
    calls,
    lookup: async (presented: string) => {
      calls.push(presented);
      return answers.get(presented) ?? null;
    },
  };
}

describe('API key format', () => {
  it('accepts exactly crm_ + 43 base64url characters', () => {
    expect(isWellFormedApiKey(key)).toBe(true);
    for (const bad of ['', 'crm_', `crm_${'k'.repeat(42)}`, `crm_${'k'.repeat(44)}`, `crm_${'k'.repeat(42)}!`, `CRM_${'k'.repeat(43)}`]) {
      expect(isWellFormedApiKey(bad), bad).toBe(false);
    }
  });

  it('finds the verification route next to the platform subgraph', () => {
    expect(apiKeyVerifyUrl('http://127.0.0.1:4001/graphql')).toBe('http://127.0.0.1:4001/internal/api-keys/verify');
  });
});

describe('parseAnswer', () => {
  it('reads valid and invalid answers and rejects anything else', () => {
    expect(parseAnswer({ valid: false })).toBeNull();
    expect(parseAnswer({ valid: true, tenantId: 't', roles: ['SALES_REP'], apiKeyId: 'k', persistedOnly: true, expiresAt: '2030-01-01T00:00:00.000Z' })).toEqual({
      tenantId: 't',
      roles: ['SALES_REP'],
      apiKeyId: 'k',
      persistedOnly: true,
      expiresAt: Date.parse('2030-01-01T00:00:00.000Z'),
    });
    for (const bad of [null, 'yes', { valid: true }, { valid: true, tenantId: 't', roles: [1], apiKeyId: 'k', persistedOnly: false }, { valid: true, tenantId: 't', roles: [], apiKeyId: 'k', persistedOnly: false, expiresAt: 'soon' }]) {
      expect(parseAnswer(bad)).toBeUndefined();
    }
  });
});

describe('createApiKeyVerifier', () => {
  it('caches valid keys for the positive TTL, by digest, and asks again afterwards', async () => {
    let now = 1_000_000;
    const cache = new ClockedCache(() => now);
    const { lookup, calls } = stubLookup(new Map([[key, grant]]));
    const verifier = createApiKeyVerifier({ lookup, cache, logger, cacheTtlSeconds: 30, negativeCacheTtlSeconds: 5, clock: () => now });

    expect(await verifier.verify(key)).toEqual(grant);
    expect(await verifier.verify(key)).toEqual(grant);
    expect(calls).toHaveLength(1);
    expect(cache.keys().every((k) => !k.includes(key.slice(4)))).toBe(true);
    expect(cache.keys()).toContain(apiKeyCacheKey(key));

    now += 29_000;
    await verifier.verify(key);
    expect(calls).toHaveLength(1);
    now += 2_000;
    await verifier.verify(key);
    expect(calls).toHaveLength(2);
  });

  it('caches refusals only briefly, so a revoked key stops within the positive TTL and new answers arrive soon', async () => {
    let now = 1_000_000;
    const answers = new Map<string, ApiKeyGrant | null>([[key, grant]]);
    const cache = new ClockedCache(() => now);
    const { lookup, calls } = stubLookup(answers);
    const verifier = createApiKeyVerifier({ lookup, cache, logger, cacheTtlSeconds: 30, negativeCacheTtlSeconds: 5, clock: () => now });

    expect(await verifier.verify(key)).not.toBeNull();
    answers.set(key, null); // revoked
    now += 30_000;
    expect(await verifier.verify(key)).toBeNull();
    expect(await verifier.verify(key)).toBeNull();
    expect(calls).toHaveLength(2);
    now += 5_000;
    expect(await verifier.verify(key)).toBeNull();
    expect(calls).toHaveLength(3);
  });

  it('refuses a cached key from its expiry on', async () => {
    let now = 1_000_000;
    const { lookup } = stubLookup(new Map([[key, { ...grant, expiresAt: now + 10_000 }]]));
    const verifier = createApiKeyVerifier({ lookup, cache: new ClockedCache(() => now), logger, clock: () => now });
    expect(await verifier.verify(key)).not.toBeNull();
    now += 10_000;
    expect(await verifier.verify(key)).toBeNull();
  });

  it('never looks up malformed keys and shares one lookup between concurrent requests', async () => {
    const { lookup, calls } = stubLookup(new Map([[key, grant]]));
    const verifier = createApiKeyVerifier({ lookup, cache: new MemoryCache(), logger });
    expect(await verifier.verify('crm_short')).toBeNull();
    expect(await verifier.verify(`Bearer ${key}`)).toBeNull();
    expect(calls).toEqual([]);
    const results = await Promise.all(Array.from({ length: 5 }, () => verifier.verify(key)));
    expect(results.every((r) => r?.apiKeyId === 'key-1')).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('still verifies when the cache fails, and reports an unreachable platform', async () => {
    const broken: Cache = {
      kind: 'memory',
      get: () => Promise.reject(new Error('down')),
      set: () => Promise.reject(new Error('down')),
      delete: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const { lookup } = stubLookup(new Map([[key, grant]]));
    expect(await createApiKeyVerifier({ lookup, cache: broken, logger }).verify(key)).toEqual(grant);
    const failing = createApiKeyVerifier({ lookup: () => Promise.reject(new ApiKeyLookupError('down')), cache: new MemoryCache(), logger });
    await expect(failing.verify(key)).rejects.toBeInstanceOf(ApiKeyLookupError);
  });
});

describe('platformApiKeyLookup', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  });

  async function platform(answer: (req: IncomingMessage, body: string) => [number, string]) {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const [status, text] = answer(req, body);
        res.writeHead(status, { 'content-type': 'application/json' }).end(text);
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/internal/api-keys/verify`;
  }

  it('posts the key with a gateway signature and reads the answer', async () => {
    const secret = 's'.repeat(32);
    let signed = false;
    let sent = '';
    const url = await platform((req, body) => {
      signed = verifyIdentity(req.headers[IDENTITY_HEADER] as string, secret) !== null;
      sent = body;
      return [200, JSON.stringify({ valid: true, tenantId: 't', roles: ['TENANT_ADMIN'], apiKeyId: 'k', persistedOnly: false, expiresAt: null })];
    });
    const lookup = platformApiKeyLookup({ url, signingSecret: secret });
    expect(await lookup(key)).toEqual({ tenantId: 't', roles: ['TENANT_ADMIN'], apiKeyId: 'k', persistedOnly: false, expiresAt: null });
    expect(signed).toBe(true);
    expect(JSON.parse(sent)).toEqual({ key });
  });

  it('fails with ApiKeyLookupError on errors, odd answers and an unreachable platform', async () => {
    const refusing = await platform(() => [401, '{}']);
    await expect(platformApiKeyLookup({ url: refusing, signingSecret: 'x'.repeat(32) })(key)).rejects.toBeInstanceOf(ApiKeyLookupError);
    const odd = await platform(() => [200, '{"valid":"maybe"}']);
    await expect(platformApiKeyLookup({ url: odd, signingSecret: 'x'.repeat(32) })(key)).rejects.toBeInstanceOf(ApiKeyLookupError);
    await expect(platformApiKeyLookup({ url: 'http://127.0.0.1:1/internal/api-keys/verify', signingSecret: 'x'.repeat(32) })(key)).rejects.toBeInstanceOf(
      ApiKeyLookupError,
    );
  });
});

/** A memory cache on a test clock, so TTLs are checked without waiting. */
class ClockedCache implements Cache {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  constructor(private readonly clock: () => number) {}
  keys() {
    return [...this.entries.keys()];
  }
  async get(k: string) {
    const entry = this.entries.get(k);
    return entry && entry.expiresAt > this.clock() ? entry.value : null;
  }
  async set(k: string, value: string, ttlSeconds?: number) {
    this.entries.set(k, { value, expiresAt: ttlSeconds ? this.clock() + ttlSeconds * 1000 : Number.POSITIVE_INFINITY });
  }
  async delete(k: string) {
    this.entries.delete(k);
  }
  async close() {}
}
