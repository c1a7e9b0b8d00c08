/** Custom roles' grants carried by a principal: they add to the built-in roles and never reach beyond the tenant. */
import { describe, expect, it } from 'vitest';
import { assertCan, AccessDeniedError, can, mergeGrants, ownerForCreate, principalOf, readable, readWhere, scopeFilter, scopeOf, tenantGrants } from './index.ts';

const TENANT = '00000000-0000-4000-8000-000000000001';
const OTHER_TENANT = '00000000-0000-4000-8000-000000000002';
const viewer = (roles: string[], customGrants: Record<string, string>, userId: string | null = 'u-me') =>
  principalOf({ tenantId: TENANT, userId, roles, customGrants });

describe('custom grants on a principal', () => {
  it('reads the whole tenant with contact:read at tenant scope, and nothing it was not granted', () => {
    const who = viewer([], { 'contact:read': 'tenant' });
    expect(scopeOf(who, 'contact', 'read')).toBe('tenant');
    expect(readWhere(who, 'contact')).toEqual({});
    expect(readable(who, 'contact', { ownerId: 'u-stranger' })).toBe(true);
    expect(readable(who, 'contact', { ownerId: null })).toBe(true);
    expect(can(who, 'contact', 'update', { tenantId: TENANT, ownerId: 'u-me' })).toBe(false);
    expect(() => assertCan(who, 'contact', 'update', { ownerId: 'u-stranger' })).toThrow(AccessDeniedError);
    expect(readWhere(who, 'deal')).toEqual({ ownerId: { in: [] } });
    expect(scopeFilter(who, 'lead', 'read')).toEqual({ kind: 'none' });
    expect(() => ownerForCreate(who, 'contact', null)).toThrow(AccessDeniedError);
  });

  it('stays inside the tenant: no record of another tenant, even at tenant scope', () => {
    const who = viewer([], { 'contact:read': 'tenant' });
    expect(can(who, 'contact', 'read', { tenantId: OTHER_TENANT, ownerId: 'u-me' })).toBe(false);
  });

  it('widens a built-in role where it grants more, and never narrows it', () => {
    const rep = viewer(['SALES_REP'], { 'deal:read': 'tenant', 'contact:update': 'own', 'report:execute': 'team' });
    expect(scopeOf(rep, 'deal', 'read')).toBe('tenant');
    expect(scopeOf(rep, 'deal', 'update')).toBe('own');
    expect(scopeOf(rep, 'contact', 'update')).toBe('own');
    const admin = viewer(['TENANT_ADMIN'], { 'deal:read': 'own' });
    expect(scopeOf(admin, 'deal', 'read')).toBe('tenant');
  });

  it('applies team scope through the team facts, like a Sales Manager', () => {
    const who = principalOf({ tenantId: TENANT, userId: 'u-me', roles: [], teamId: 't-1', teamMemberIds: ['u-me', 'u-mate'], customGrants: { 'deal:read': 'team' } });
    expect(readable(who, 'deal', { ownerId: 'u-mate' })).toBe(true);
    expect(readable(who, 'deal', { ownerId: 'u-stranger' })).toBe(false);
  });

  it('ignores global scope, unknown permissions and malformed values from the identity', () => {
    const who = viewer([], { 'contact:read': 'global', 'contact:fly': 'tenant', 'deal:read': 'everything', 'lead:read': 'own' });
    expect(who.customGrants).toEqual({ 'lead:read': 'own' });
    expect(scopeOf(who, 'contact', 'read')).toBeNull();
    expect(can(who, 'contact', 'read', { tenantId: OTHER_TENANT, ownerId: null })).toBe(false);
    // a principal built by hand with a global custom grant still gets no cross-tenant reach
    const forged = { tenantId: TENANT, userId: 'u-me', roles: [], customGrants: { 'contact:read': 'global' as const } };
    expect(scopeOf(forged, 'contact', 'read')).toBeNull();
  });

  it('gives an API key identity (no user) nothing through own or team grants', () => {
    const key = viewer([], { 'contact:read': 'own' }, null);
    expect(readWhere(key, 'contact')).toEqual({ ownerId: { in: [] } });
  });
});

describe('mergeGrants and tenantGrants', () => {
  it('keeps the widest scope per permission', () => {
    expect(mergeGrants([{ 'contact:read': 'own', 'deal:read': 'tenant' }, { 'contact:read': 'team' }, {}])).toEqual({ 'contact:read': 'team', 'deal:read': 'tenant' });
    expect(mergeGrants([])).toEqual({});
  });

  it('keeps only known permissions with a tenant, team or own scope', () => {
    expect(tenantGrants({ 'contact:read': 'tenant', 'deal:update': 'global', 'foo:read': 'own', 'lead:read': 3 })).toEqual({ 'contact:read': 'tenant' });
  });
});
