import { describe, expect, it } from 'vitest';
import { createLogger, MemoryCache, type Cache } from '@crm/runtime';
import { createDeactivatedUsers, deactivatedUserKey, deactivationOf, PERSONAL_DATA_ERASED, USER_DEACTIVATED } from './deactivated-users.ts';

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

  it('reuses what it read for memoryMs, and sees a deactivation recorded by another instance after that', async () => {
    const cache = new MemoryCache();
    let reads = 0;
    const counting: Cache = Object.assign(Object.create(cache) as Cache, { get: (key: string) => (reads++, cache.get(key)) });
    let now = at + 10_000;
    const users = createDeactivatedUsers({ cache: counting, logger, memoryMs: 1_000, now: () => now });
    expect(await users.revoked('tenant-1', 'user-1', at - 60_000)).toBe(false);
    expect(await users.revoked('tenant-1', 'user-1', at - 60_000)).toBe(false);
    expect(reads).toBe(1);
    // another instance records the deactivation in the shared cache
    await createDeactivatedUsers({ cache, logger }).observe(deactivation);
    now += 999;
    expect(await users.revoked('tenant-1', 'user-1', at - 60_000)).toBe(false);
    now += 1;
    expect(await users.revoked('tenant-1', 'user-1', at - 60_000)).toBe(true);
    expect(reads).toBe(2);
    // an event read by this instance counts at once, without a read
    await users.observe({ ...deactivation, aggregateId: 'user-2' });
    expect(await users.revoked('tenant-1', 'user-2', at - 60_000)).toBe(true);
    expect(reads).toBe(2);
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

  it('counts the erasure of a user as a deactivation, not the erasure of a contact', async () => {
    const users = createDeactivatedUsers({ cache: new MemoryCache(), logger });
    const erased = { type: PERSONAL_DATA_ERASED, tenantId: 'tenant-1', aggregateId: 'erasure-1', occurredAt: new Date(at).toISOString() };
    await users.observe({ ...erased, payload: { erasureId: 'erasure-1', contactId: 'contact-1', erased: {} } });
    expect(await users.revoked('tenant-1', 'contact-1', at - 1_000)).toBe(false);
    expect(await users.revoked('tenant-1', 'erasure-1', at - 1_000)).toBe(false);
    await users.observe({ ...erased, payload: { erasureId: 'erasure-1', userId: 'user-3', erased: { users: 1 } } });
    expect(await users.revoked('tenant-1', 'user-3', at - 1_000)).toBe(true);
    expect(await users.revoked('tenant-2', 'user-3', at - 1_000)).toBe(false);
  });

  it('reads the deactivation an event reports', () => {
    expect(deactivationOf(deactivation)).toEqual({ tenantId: 'tenant-1', userId: 'user-1', at });
    expect(deactivationOf({ ...deactivation, type: 'platform.user.reactivated' })).toBeNull();
    expect(deactivationOf({ ...deactivation, tenantId: '' })).toBeNull();
    expect(deactivationOf({ ...deactivation, type: PERSONAL_DATA_ERASED, payload: { userId: 42 } })).toBeNull();
    expect(deactivationOf({ ...deactivation, type: PERSONAL_DATA_ERASED, aggregateId: 'erasure-1', payload: { userId: 'user-3' } })).toEqual({ tenantId: 'tenant-1', userId: 'user-3', at });
  });

  it('accepts tokens when the shared cache cannot be read, and survives a failed write', async () => {
    const broken: Cache = {
      kind: 'memory',
      get: () => Promise.reject(new Error('redis down')),
      set: () => Promise.reject(new Error('redis down')),
      delete: () => Promise.reject(new Error('redis down')),
      close: async () => {},
    };
    // without the instance's own memory: only the shared cache could say
    const users = createDeactivatedUsers({ cache: broken, logger, memoryMs: 0 });
    await expect(users.observe(deactivation)).resolves.toBeUndefined();
    expect(await users.revoked('tenant-1', 'user-1', at - 1_000)).toBe(false);
    // with it, the instance that read the event refuses the token anyway
    const remembering = createDeactivatedUsers({ cache: broken, logger });
    await remembering.observe(deactivation);
    expect(await remembering.revoked('tenant-1', 'user-1', at - 1_000)).toBe(true);
  });
});
