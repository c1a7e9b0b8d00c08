import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { readEnvironment } from './environment.ts';

const base = {
  CUSTOMER_URL: 'http://customer:4001/graphql',
  SALES_URL: 'http://sales:4002/graphql',
  ANALYTICS_URL: 'http://analytics:4003/graphql',
  PLATFORM_URL: 'http://platform:4004/graphql',
  INTEGRATION_URL: 'http://integration:4005/graphql',
  GATEWAY_SIGNING_SECRET: 's'.repeat(32),
};

describe('readEnvironment', () => {
  it('reads subgraph urls and derives the JWKS url from the platform', () => {
    const env = readEnvironment({ ...base, PORT: '4100', KAFKA_BROKERS: 'k1:9092, k2:9092' });
    expect(env.port).toBe(4100);
    expect(env.subgraphUrls.sales).toBe('http://sales:4002/graphql');
    expect(env.jwksUrl).toBe('http://platform:4004/.well-known/jwks.json');
    expect(env.kafkaBrokers).toEqual(['k1:9092', 'k2:9092']);
    expect(env.redisUrl).toBeUndefined();
    expect(env.supergraphPath).toMatch(/schema\/supergraph\.graphql$/);
  });

  it('reads the edge policies', () => {
    const env = readEnvironment({
      ...base,
      INTROSPECTION: 'authenticated',
      CORS_ORIGINS: 'https://app.example.com, https://partner.example:8443',
      RATE_LIMIT_PER_TENANT: '100',
      MAX_OPERATION_COST: '2000',
      METRICS: 'false',
    });
    expect(env.introspection).toBe('authenticated');
    expect(env.corsOrigins).toEqual(['https://app.example.com', 'https://partner.example:8443']);
    expect(env.rateLimit).toEqual({ perTenant: 100, perTenantFromPlan: true, perUser: 3000, perAnonymousAddress: 300 });
    expect(env.demandControl).toEqual({ maxCost: 2000, budgetPerMinute: 500_000, budgetFromPlan: true });
    expect(env.metrics).toBe(false);
    expect(readEnvironment(base)).toMatchObject({
      introspection: undefined,
      corsOrigins: [],
      rateLimit: { perTenant: 6000, perTenantFromPlan: true, perUser: 3000, perAnonymousAddress: 300 },
      demandControl: { budgetPerMinute: 500_000 },
      metrics: true,
    });
  });

  it("reads plan budgets and the web app's safelist setting", () => {
    const manifest = fileURLToPath(new URL('../../clients/web/src/gql/persisted-documents.json', import.meta.url));
    const env = readEnvironment({ ...base, COST_BUDGET_FROM_PLAN: 'false', TENANT_SETTINGS_TTL_SECONDS: '30', TRUSTED_DOCUMENTS_PATH: manifest, WEB_SAFELIST: 'enforce' });
    expect(env.demandControl.budgetFromPlan).toBe(false);
    expect(env.tenantSettingsTtlSeconds).toBe(30);
    expect(env.trustedDocuments).toEqual({ path: manifest, enforce: true });
    expect(readEnvironment({ ...base, NODE_ENV: 'production', TRUSTED_DOCUMENTS_PATH: manifest }).trustedDocuments.enforce).toBe(true);
    expect(readEnvironment({ ...base, TRUSTED_DOCUMENTS_PATH: manifest }).trustedDocuments.enforce).toBe(false);
    expect(() => readEnvironment({ ...base, TRUSTED_DOCUMENTS_PATH: '/nowhere/manifest.json' })).toThrow(/TRUSTED_DOCUMENTS_PATH: no such file/);
  });

  it('takes request limits from plans unless told not to', () => {
    expect(readEnvironment({ ...base, RATE_LIMIT_FROM_PLAN: 'false' }).rateLimit).toMatchObject({ perTenant: 6000, perTenantFromPlan: false });
    expect(() => readEnvironment({ ...base, RATE_LIMIT_FROM_PLAN: 'yes' })).toThrow(/RATE_LIMIT_FROM_PLAN/);
  });

  it('refuses a CORS origin with a path', () => {
    expect(() => readEnvironment({ ...base, CORS_ORIGINS: 'https://app.example.com/login' })).toThrow(/CORS_ORIGINS/);
  });

  it('reports every problem at once', () => {
    expect(() => readEnvironment({ SALES_URL: 'not a url', GATEWAY_SIGNING_SECRET: 'short' })).toThrow(
      /CUSTOMER_URL[\s\S]*SALES_URL[\s\S]*GATEWAY_SIGNING_SECRET: must be at least 32 characters/,
    );
  });
});

describe('response cache settings', () => {
  it('turns the cache on with 64 MiB and a minute by default, and off on request', () => {
    expect(readEnvironment(base).responseCache).toEqual({ maxBytes: 64 * 1024 * 1024, ttlMs: 60_000 });
    expect(readEnvironment({ ...base, RESPONSE_CACHE_MAX_MB: '8', RESPONSE_CACHE_TTL_SECONDS: '15' }).responseCache).toEqual({ maxBytes: 8 * 1024 * 1024, ttlMs: 15_000 });
    expect(readEnvironment({ ...base, RESPONSE_CACHE: 'false' }).responseCache).toBeUndefined();
    expect(readEnvironment({ ...base, RESPONSE_CACHE_STALE_MS: '500' }).responseCache).toEqual({ maxBytes: 64 * 1024 * 1024, ttlMs: 60_000, staleMs: 500 });
    expect(() => readEnvironment({ ...base, RESPONSE_CACHE_STALE_MS: '-1' })).toThrow(/RESPONSE_CACHE_STALE_MS/);
    expect(() => readEnvironment({ ...base, RESPONSE_CACHE_TTL_SECONDS: '0' })).toThrow(/RESPONSE_CACHE_TTL_SECONDS/);
  });
});
