import { describe, expect, it } from 'vitest';
import { createLogger, MemoryCache, type Cache } from '@crm/runtime';
import { createDeactivatedUsers, deactivatedUserKey, USER_DEACTIVATED } from './deactivated-users.ts';

const logger = createLogger('deactivated-users-test', 'silent');
const at = Date.parse('2026-11-26T10:00:00.500Z');
const deactivation = { type: USER_DEACTIVATED, tenantId: 'tenant-1', aggregateId: 'user-1', occurredAt: new Date(at).toISOString() };

describe('createDeactivatedUsers', () => {
  it('refuses tokens issued up to the deactivation (whole seconds included), not later ones nor other users', async () => {
    const users = createDeactivatedUsers({ cache: new MemoryCache(), logger });
    expect(await users.revoked('tenant-1', 'user-1', at - 60_000)).toBe(false);
    await users.observe(deactivation);
    expect(await users.revoked('tenant-1', 'user-1', at - 60_000)).toBe(true);
    expect(await users.revoked('tenant-1', 'user-1', Math.floor(at / 1000) * 1000)).toBe(true);
    expect(await users.revoked('tenant-1', 'user-1', 0)).toBe(true);
    expect(await users.revoked('tenant-1', 'user-1', at + 1_000)).toBe(false);
    expect(await users.revoked('tenant-1', 'user-2', at - 60_000)).toBe(false);
    expect(await users.revoked('tenant-2', 'user-1', at - 60_000)).toBe(false);
  });

  it('ignores other events, and keeps the record on reactivation (earlier tokens stay refused)', async () => {
    const cache = new MemoryCache();
    const users = createDeactivatedUsers({ cache, logger });
    await users.observe({ ...deactivation, type: 'platform.user.invited' });
    expect(await cache.get(deactivatedUserKey('tenant-1', 'user-1'))).toBeNull();
    await users.observe(deactivation);
    await users.observe({ ...deactivation, type: 'platform.user.reactivated', occurredAt: new Date(at + 5_000).toISOString() });
    expect(await users.revoked('tenant-1', 'user-1', at - 1_000)).toBe(true);
    expect(await users.revoked('tenant-1', 'user-1', at + 6_000)).toBe(false);
  });

  it('accepts tokens when the shared cache cannot be read, and survives a failed write', async () => {
    const broken: Cache = {
      kind: 'memory',
      get: () => Promise.reject(new Error('redis down')),
      set: () => Promise.reject(new Error('redis down')),
      delete: () => Promise.reject(new Error('redis down')),
      close: async () => {},
    };
    const users = createDeactivatedUsers({ cache: broken, logger });
    await expect(users.observe(deactivation)).resolves.toBeUndefined();
    expect(await users.revoked('tenant-1', 'user-1', at - 1_000)).toBe(false);
  });
});
