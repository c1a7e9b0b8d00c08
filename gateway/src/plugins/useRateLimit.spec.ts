import { describe, expect, it } from 'vitest';
import { HttpError, type Identity } from '@crm/runtime';
import { MemoryLimitStore } from '../limit-store.ts';
import { useRateLimit, type LimitName } from './useRateLimit.ts';

const now = 1_700_000_040_000 + 20_000;
const user = (userId: string): Identity => ({ tenantId: 't1', userId, roles: [], requestId: 'r' });
const anonymous: Identity = { tenantId: null, userId: null, roles: [], requestId: 'r' };

describe('useRateLimit', () => {
  it('reports the tightest limit in RateLimit headers', async () => {
    const limiter = useRateLimit({ store: new MemoryLimitStore(), perTenant: 10, perUser: 2, clock: () => now });
    expect(await limiter.check(user('u1'), '10.0.0.1')).toEqual({
      'ratelimit-limit': '2',
      'ratelimit-remaining': '1',
      'ratelimit-reset': '40',
      'ratelimit-policy': '"tenant";q=10;w=60, "user";q=2;w=60',
    });
  });

  it('refuses with 429, RATE_LIMITED and retry-after, telling which limit', async () => {
    const rejected: LimitName[] = [];
    const limiter = useRateLimit({ store: new MemoryLimitStore(), perTenant: 10, perUser: 1, clock: () => now, onReject: (l) => rejected.push(l) });
    await limiter.check(user('u1'), undefined);
    const error = await limiter.check(user('u1'), undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 429, code: 'RATE_LIMITED', headers: { 'retry-after': '40', 'ratelimit-remaining': '0' } });
    expect(rejected).toEqual(['user']);
    await expect(limiter.check(user('u2'), undefined)).resolves.toBeDefined();
  });

  it("takes each tenant's limit from a function (its plan), and reports it in RateLimit headers", async () => {
    const plans: Record<string, number> = { t1: 2, t2: 5 };
    const asked: string[] = [];
    const rejected: LimitName[] = [];
    const limiter = useRateLimit({
      store: new MemoryLimitStore(),
      perTenant: async (tenantId) => {
        asked.push(tenantId);
        return plans[tenantId] ?? 100;
      },
      perUser: 10,
      clock: () => now,
      onReject: (l) => rejected.push(l),
    });
    const of = (tenantId: string, userId: string): Identity => ({ tenantId, userId, roles: [], requestId: 'r' });
    expect(await limiter.check(of('t1', 'u1'), undefined)).toEqual({
      'ratelimit-limit': '2',
      'ratelimit-remaining': '1',
      'ratelimit-reset': '40',
      'ratelimit-policy': '"tenant";q=2;w=60, "user";q=10;w=60',
    });
    await limiter.check(of('t1', 'u2'), undefined);
    const error = await limiter.check(of('t1', 'u3'), undefined).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429, code: 'RATE_LIMITED', message: 'Too many requests for this tenant; retry in 40 s', headers: { 'retry-after': '40', 'ratelimit-limit': '2', 'ratelimit-remaining': '0' } });
    expect(rejected).toEqual(['tenant']);
    // another tenant on a larger plan under the same load
    for (let i = 0; i < 3; i++) await limiter.check(of('t2', 'v1'), undefined);
    await expect(limiter.check(of('t2', 'v1'), undefined)).resolves.toMatchObject({ 'ratelimit-limit': '5', 'ratelimit-remaining': '1' });
    expect(asked).toEqual(['t1', 't1', 't1', 't2', 't2', 't2', 't2']);
    // anonymous callers have no tenant: nothing is asked
    await limiter.check(anonymous, '10.0.0.1');
    expect(asked).toHaveLength(7);
  });

  it('limits anonymous callers per address', async () => {
    const limiter = useRateLimit({ store: new MemoryLimitStore(), perAnonymousAddress: 1, clock: () => now });
    await limiter.check(anonymous, '10.0.0.1');
    await expect(limiter.check(anonymous, '10.0.0.1')).rejects.toMatchObject({ status: 429 });
    await expect(limiter.check(anonymous, '10.0.0.2')).resolves.toMatchObject({ 'ratelimit-policy': '"address";q=1;w=60' });
  });
});

describe('useRateLimit for API keys', () => {
  const apiKey = (apiKeyId: string): Identity => ({ tenantId: 't1', userId: null, roles: ['TENANT_ADMIN'], requestId: 'r', actorKind: 'apikey', apiKeyId });

  it('limits each key on its own, besides its tenant', async () => {
    const rejected: LimitName[] = [];
    const limiter = useRateLimit({ store: new MemoryLimitStore(), perTenant: 10, perApiKey: 2, clock: () => now, onReject: (l) => rejected.push(l) });
    expect(await limiter.check(apiKey('k1'), undefined)).toMatchObject({
      'ratelimit-limit': '2',
      'ratelimit-remaining': '1',
      'ratelimit-policy': '"tenant";q=10;w=60, "apikey";q=2;w=60',
    });
    await limiter.check(apiKey('k1'), undefined);
    const error = await limiter.check(apiKey('k1'), undefined).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429, code: 'RATE_LIMITED', message: 'Too many requests for this API key; retry in 40 s', headers: { 'retry-after': '40' } });
    expect(rejected).toEqual(['apikey']);
    await expect(limiter.check(apiKey('k2'), undefined)).resolves.toMatchObject({ 'ratelimit-remaining': '1' });
  });
});
