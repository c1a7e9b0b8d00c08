/**
 * The full matrix role × resource × action × record kind, generated from the permission table.
 * The expected answer comes from an independent reading of the scopes: a record kind needs at
 * least a given scope (own → own, teammate's → team, other team's → tenant, other tenant's → global).
 */
import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  BUILT_IN_ROLES,
  can,
  createAuthorizer,
  defineCustomRole,
  InvalidRoleError,
  matchesScope,
  RESOURCES,
  ROLE_GRANTS,
  scopeFilter,
  SCOPES,
  toWhere,
  type Grants,
  type Principal,
  type RecordRef,
  type Scope,
} from './index.ts';

const TENANT = '00000000-0000-4000-8000-000000000001';
const OTHER_TENANT = '00000000-0000-4000-8000-000000000002';
const ME = 'u-me';
const MATE = 'u-mate';
const STRANGER = 'u-stranger';
const FOREIGNER = 'u-foreigner';
const MY_TEAM = 't-mine';
const OTHER_TEAM = 't-other';

const RECORD_KINDS: Record<string, { record: RecordRef; needs: Scope }> = {
  own: { record: { tenantId: TENANT, ownerId: ME, teamId: MY_TEAM }, needs: 'own' },
  "teammate's": { record: { tenantId: TENANT, ownerId: MATE, teamId: MY_TEAM }, needs: 'team' },
  "teammate's (no team column)": { record: { tenantId: TENANT, ownerId: MATE }, needs: 'team' },
  "other team's": { record: { tenantId: TENANT, ownerId: STRANGER, teamId: OTHER_TEAM }, needs: 'tenant' },
  "other tenant's": { record: { tenantId: OTHER_TENANT, ownerId: FOREIGNER, teamId: 't-foreign' }, needs: 'global' },
};

const principalWith = (roles: string[]): Principal => ({ tenantId: TENANT, userId: ME, roles, teamId: MY_TEAM, teamMemberIds: [ME, MATE] });
const reaches = (grant: Scope | undefined, needs: Scope) => grant !== undefined && SCOPES.indexOf(grant) >= SCOPES.indexOf(needs);

/** Evaluates a Prisma-style `where` fragment from `toWhere` against a plain record. */
function evaluateWhere(where: Record<string, unknown> | null, row: Record<string, unknown>): boolean {
  if (where === null) return true;
  return Object.entries(where).every(([key, condition]) => {
    if (key === 'OR') return (condition as Record<string, unknown>[]).some((part) => evaluateWhere(part, row));
    const { in: values } = condition as { in: unknown[] };
    return values.includes(row[key]);
  });
}

function matrix(label: string, roles: string[], grants: Grants, authorizer = createAuthorizer()) {
  const principal = principalWith(roles);
  const cases = RESOURCES.flatMap((resource) =>
    ACTIONS.flatMap((action) =>
      Object.entries(RECORD_KINDS).map(([kind, { record, needs }]) => ({
        resource,
        action,
        kind,
        record,
        expected: reaches(grants[`${resource}:${action}`], needs),
      })),
    ),
  );

  describe(`${label}: role × resource × action × record kind`, () => {
    it.each(cases)('$resource:$action on $kind record → $expected', ({ resource, action, record, expected }) => {
      expect(authorizer.can(principal, resource, action, record)).toBe(expected);
      // Lists and lookups agree: the scope filter (in memory and as a where clause) admits the
      // record exactly when `can` does (for records of the caller's tenant).
      if (record.tenantId === TENANT) {
        const filter = authorizer.scopeFilter(principal, resource, action);
        expect(matchesScope(filter, record)).toBe(expected);
        expect(evaluateWhere(toWhere(filter, { owner: 'ownerId', team: 'teamId' }), { ...record })).toBe(expected);
      }
    });

    it('holds a permission (no record) exactly when the table grants it', () => {
      for (const resource of RESOURCES) {
        for (const action of ACTIONS) {
          expect(authorizer.can(principal, resource, action), `${resource}:${action}`).toBe(grants[`${resource}:${action}`] !== undefined);
        }
      }
    });
  });
}

for (const role of BUILT_IN_ROLES) matrix(role, [role], ROLE_GRANTS[role]);

const ANALYST = defineCustomRole('ANALYST', { 'report:read': 'tenant', 'report:execute': 'tenant', 'deal:read': 'team', 'contact:read': 'own' });
matrix('custom role ANALYST', ['ANALYST'], ANALYST.grants, createAuthorizer([ANALYST]));

// Several roles: the widest grant per permission wins.
const combined: Grants = { ...ROLE_GRANTS.SALES_REP };
for (const [key, scope] of Object.entries(ANALYST.grants) as [keyof Grants, Scope][]) {
  const current = combined[key];
  if (!current || SCOPES.indexOf(scope) > SCOPES.indexOf(current)) combined[key] = scope;
}
matrix('SALES_REP + ANALYST', ['SALES_REP', 'ANALYST'], combined, createAuthorizer([ANALYST]));

describe('scope filters', () => {
  it('describes each scope as a where-clause', () => {
    expect(scopeFilter(principalWith(['SYSTEM_ADMIN']), 'deal', 'read')).toEqual({ kind: 'all', crossTenant: true });
    expect(scopeFilter(principalWith(['TENANT_ADMIN']), 'deal', 'read')).toEqual({ kind: 'all', crossTenant: false });
    expect(scopeFilter(principalWith(['SALES_MANAGER']), 'deal', 'read')).toEqual({ kind: 'teams', teamIds: [MY_TEAM], ownerIds: [ME, MATE] });
    expect(scopeFilter(principalWith(['SALES_REP']), 'deal', 'read')).toEqual({ kind: 'owners', ownerIds: [ME] });
    expect(scopeFilter(principalWith(['SALES_REP']), 'audit', 'read')).toEqual({ kind: 'none' });
  });

  it('narrows a manager without a team to their own records, and a caller without a user to nothing', () => {
    expect(scopeFilter({ tenantId: TENANT, userId: ME, roles: ['SALES_MANAGER'] }, 'deal', 'read')).toEqual({ kind: 'owners', ownerIds: [ME] });
    expect(scopeFilter({ tenantId: TENANT, userId: null, roles: ['SALES_REP'] }, 'deal', 'read')).toEqual({ kind: 'none' });
    expect(can({ tenantId: TENANT, userId: null, roles: ['SALES_REP'] }, 'deal', 'read', { tenantId: TENANT, ownerId: null })).toBe(false);
  });

  it('grants nothing for unknown roles and records without an owner outside tenant scope', () => {
    expect(can(principalWith(['ROOT']), 'deal', 'read')).toBe(false);
    expect(can(principalWith(['ANALYST']), 'report', 'read')).toBe(false); // custom roles need their tenant's authorizer
    expect(can(principalWith(['SALES_REP']), 'deal', 'read', { tenantId: TENANT })).toBe(false);
    expect(can(principalWith(['TENANT_ADMIN']), 'deal', 'read', { tenantId: TENANT })).toBe(true);
    expect(toWhere({ kind: 'none' })).toEqual({ ownerId: { in: [] } });
  });
});

describe('custom roles', () => {
  it('refuses global scope, unknown permissions or scopes, built-in names and bad names', () => {
    expect(() => defineCustomRole('ROOTISH', { 'deal:read': 'global' })).toThrow(InvalidRoleError);
    expect(() => defineCustomRole('ODD', { 'deal:fly': 'tenant' })).toThrow(/Unknown permission/);
    expect(() => defineCustomRole('ODD', { 'spaceship:read': 'tenant' })).toThrow(/Unknown permission/);
    expect(() => defineCustomRole('ODD', { 'deal:read': 'galaxy' })).toThrow(/Unknown scope/);
    expect(() => defineCustomRole('TENANT_ADMIN', {})).toThrow(/built-in/);
    expect(() => defineCustomRole('lower case', {})).toThrow(/SCREAMING_CASE/);
  });
});
