/** From identity to principal, and the read filter, lookups and create owners built on it. */
import { describe, expect, it } from 'vitest';
import { AccessDeniedError, assertCan, ownerForCreate, principalOf, readable, readWhere } from './index.ts';

const TENANT = '00000000-0000-4000-8000-000000000001';
const identity = (roles: string[], extra: { userId?: string | null; teamId?: string | null; teamMemberIds?: string[] } = {}) =>
  principalOf({ tenantId: TENANT, userId: 'u-me', roles, ...extra });

describe('principalOf', () => {
  it('carries the team facts of the identity, and none when the identity has none', () => {
    expect(identity(['SALES_MANAGER'], { teamId: 't-1', teamMemberIds: ['u-me', 'u-mate'] })).toEqual({
      tenantId: TENANT,
      userId: 'u-me',
      roles: ['SALES_MANAGER'],
      teamId: 't-1',
      teamMemberIds: ['u-me', 'u-mate'],
      customGrants: {},
    });
    expect(identity(['SALES_REP'])).toMatchObject({ teamId: null, teamMemberIds: [] });
  });
});

describe('readWhere', () => {
  it('is the owner condition of each scope, and no condition with tenant scope', () => {
    expect(readWhere(identity(['SALES_REP']), 'deal')).toEqual({ ownerId: { in: ['u-me'] } });
    expect(readWhere(identity(['SALES_MANAGER'], { teamId: 't-1', teamMemberIds: ['u-me', 'u-mate'] }), 'contact')).toEqual({ OR: [{ ownerId: { in: ['u-me', 'u-mate'] } }] });
    expect(readWhere(identity(['TENANT_ADMIN']), 'lead')).toEqual({});
    expect(readWhere(identity(['SALES_REP']), 'activity', 'assigneeId')).toEqual({ assigneeId: { in: ['u-me'] } });
  });

  it('matches nothing for an API key (no user) with own or team scope', () => {
    expect(readWhere(identity(['SALES_REP'], { userId: null }), 'deal')).toEqual({ ownerId: { in: [] } });
    expect(readWhere(identity(['SALES_MANAGER'], { userId: null }), 'deal')).toEqual({ ownerId: { in: [] } });
    expect(readWhere(identity(['TENANT_ADMIN'], { userId: null }), 'deal')).toEqual({});
  });
});

describe('readable', () => {
  it('admits own, team and (with tenant scope only) unowned records', () => {
    const manager = identity(['SALES_MANAGER'], { teamId: 't-1', teamMemberIds: ['u-me', 'u-mate'] });
    expect(readable(manager, 'deal', { ownerId: 'u-mate' })).toBe(true);
    expect(readable(manager, 'deal', { ownerId: 'u-stranger' })).toBe(false);
    expect(readable(manager, 'deal', { ownerId: null })).toBe(false);
    expect(readable(identity(['SALES_REP']), 'deal', { ownerId: 'u-mate' })).toBe(false);
    expect(readable(identity(['TENANT_ADMIN']), 'deal', { ownerId: null })).toBe(true);
  });
});

describe('assertCan', () => {
  it('throws AccessDeniedError outside the scope', () => {
    expect(() => assertCan(identity(['SALES_REP']), 'deal', 'update', { ownerId: 'u-mate' })).toThrow(AccessDeniedError);
    expect(() => assertCan(identity(['SALES_REP']), 'deal', 'update', { ownerId: 'u-me' })).not.toThrow();
  });
});

describe('ownerForCreate', () => {
  it('gives a rep’s unowned record to the rep and refuses other owners', () => {
    expect(ownerForCreate(identity(['SALES_REP']), 'contact', undefined)).toBe('u-me');
    expect(ownerForCreate(identity(['SALES_REP']), 'contact', 'u-me')).toBe('u-me');
    expect(() => ownerForCreate(identity(['SALES_REP']), 'contact', 'u-mate')).toThrow(/may not create a contact owned by u-mate/);
  });

  it('lets a manager create for the team, and an admin for anyone or no one', () => {
    const manager = identity(['SALES_MANAGER'], { teamId: 't-1', teamMemberIds: ['u-me', 'u-mate'] });
    expect(ownerForCreate(manager, 'deal', 'u-mate')).toBe('u-mate');
    expect(() => ownerForCreate(manager, 'deal', 'u-stranger')).toThrow(AccessDeniedError);
    expect(ownerForCreate(identity(['TENANT_ADMIN']), 'deal', undefined)).toBeNull();
    expect(ownerForCreate(identity(['TENANT_ADMIN']), 'deal', 'u-stranger')).toBe('u-stranger');
  });

  it('refuses a create through an API key without tenant scope', () => {
    expect(() => ownerForCreate(identity(['SALES_REP'], { userId: null }), 'deal', undefined)).toThrow(AccessDeniedError);
  });
});

describe('role names', () => {
  it('are read in upper case', () => {
    expect(identity(['sales_rep']).roles).toEqual(['SALES_REP']);
    expect(readWhere(identity(['tenant_admin']), 'deal')).toEqual({});
  });
});
