import { describe, expect, it } from 'vitest';
import { createLogger, MemoryCache } from '@crm/runtime';
import { createTenantSettings, isOrigin, parseEdgeSettings, type TenantEdgeSettings, type TenantSettingsLookup } from './tenant-settings.ts';

const logger = createLogger('tenant-settings-test', 'silent');
const acme: TenantEdgeSettings = { plan: 'free', costBudgetPerMinute: 20_000, requestsPerMinute: 300, corsOrigins: ['https://crm.acme.example'] };

function fakeLookup(settings: Record<string, TenantEdgeSettings>, origins: string[]) {
  const calls = { settings: 0, origins: 0 };
  let down = false;
  const lookup: TenantSettingsLookup = {
    async settings(tenantId) {
      calls.settings++;
      if (down) throw new Error('platform down');
      return settings[tenantId] ?? null;
    },
    async originAllowed(origin) {
      calls.origins++;
      if (down) throw new Error('platform down');
      return origins.includes(origin);
    },
  };
  return { lookup, calls, setDown: (value: boolean) => void (down = value) };
}

describe('tenant settings', () => {
  it('asks the platform once, then answers from this process and from the shared cache', async () => {
    let now = 1_000;
    const cache = new MemoryCache();
    const fake = fakeLookup({ t1: acme }, []);
    const settings = createTenantSettings({ lookup: fake.lookup, cache, logger, localTtlMs: 5_000, clock: () => now });
    const answers = await Promise.all([settings.settingsOf('t1'), settings.settingsOf('t1')]);
    expect(answers).toEqual([acme, acme]);
    expect(fake.calls.settings).toBe(1);
    now += 10_000; // past the local lifetime: the shared cache answers
    expect(await settings.settingsOf('t1')).toEqual(acme);
    expect(fake.calls.settings).toBe(1);
    // another replica with the same shared cache
    const replica = createTenantSettings({ lookup: fake.lookup, cache, logger });
    expect(await replica.settingsOf('t1')).toEqual(acme);
    expect(fake.calls.settings).toBe(1);
  });

  it('checks origins for a tenant and for any tenant, and never looks up malformed origins', async () => {
    const fake = fakeLookup({ t1: acme }, ['https://crm.acme.example']);
    const settings = createTenantSettings({ lookup: fake.lookup, cache: new MemoryCache(), logger });
    expect(await settings.allowedForTenant('t1', 'https://crm.acme.example')).toBe(true);
    expect(await settings.allowedForTenant('t1', 'https://evil.example')).toBe(false);
    expect(await settings.allowedForTenant('t2', 'https://crm.acme.example')).toBe(false);
    expect(await settings.allowedByAnyTenant('https://crm.acme.example')).toBe(true);
    expect(await settings.allowedByAnyTenant('https://evil.example')).toBe(false);
    expect(await settings.allowedByAnyTenant('null')).toBe(false);
    expect(await settings.allowedByAnyTenant('https://crm.acme.example/path')).toBe(false);
    expect(fake.calls.origins).toBe(2);
  });

  it('keeps refused origins out of the shared cache', async () => {
    const cache = new MemoryCache();
    const fake = fakeLookup({}, ['https://ok.example']);
    const settings = createTenantSettings({ lookup: fake.lookup, cache, logger });
    await settings.allowedByAnyTenant('https://ok.example');
    await settings.allowedByAnyTenant('https://junk.example');
    expect(await cache.get('g:cors-origin:https://ok.example')).toBe('true');
    expect(await cache.get('g:cors-origin:https://junk.example')).toBeNull();
  });

  it('caches nothing while the platform cannot answer, and refuses origins meanwhile', async () => {
    const fake = fakeLookup({ t1: acme }, ['https://crm.acme.example']);
    const settings = createTenantSettings({ lookup: fake.lookup, cache: new MemoryCache(), logger });
    fake.setDown(true);
    expect(await settings.settingsOf('t1')).toBeUndefined();
    expect(await settings.allowedByAnyTenant('https://crm.acme.example')).toBe(false);
    fake.setDown(false);
    expect(await settings.settingsOf('t1')).toEqual(acme);
    expect(await settings.allowedByAnyTenant('https://crm.acme.example')).toBe(true);
  });

  it('parses answers strictly', () => {
    expect(parseEdgeSettings(acme)).toEqual(acme);
    expect(parseEdgeSettings({ found: false })).toBeNull();
    expect(parseEdgeSettings({ ...acme, costBudgetPerMinute: -1 })).toBeUndefined();
    expect(parseEdgeSettings({ ...acme, requestsPerMinute: 0 })).toBeUndefined();
    expect(parseEdgeSettings({ ...acme, requestsPerMinute: '300' })).toBeUndefined();
    // a platform that predates per-plan request limits: the rest still applies
    const { requestsPerMinute: _omitted, ...older } = acme;
    expect(parseEdgeSettings(older)).toEqual(older);
    expect(parseEdgeSettings({ ...acme, corsOrigins: [1] })).toBeUndefined();
    expect(parseEdgeSettings('x')).toBeUndefined();
    expect(isOrigin('http://localhost:5173')).toBe(true);
    expect(isOrigin('https://Example.com')).toBe(false);
  });
});
