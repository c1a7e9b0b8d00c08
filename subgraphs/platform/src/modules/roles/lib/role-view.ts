/**
 * One shape for built-in and custom roles, as the `RoleDefinition` type shows them, and the
 * conversion between stored grants (`{ "contact:read": "tenant" }`) and GraphQL grants
 * (`[{ permission: "contact:read", scope: TENANT }]`).
 */
import { BUILT_IN_ROLES, ROLE_GRANTS, tenantGrants, type BuiltInRole, type Grants, type Scope } from '@crm/authz';
import type { CustomRoleModel } from '../../../__generated__/prisma/models.ts';

export interface RoleView {
  /** The custom role's id; a built-in role's name. */
  id: string;
  name: string;
  description: string;
  builtIn: boolean;
  grants: Grants;
}

export type ScopeName = 'OWN' | 'TEAM' | 'TENANT' | 'GLOBAL';

export interface GrantEntry {
  permission: string;
  scope: ScopeName;
}

const BUILT_IN_DESCRIPTIONS: Record<BuiltInRole, string> = {
  SYSTEM_ADMIN: 'Operates the whole platform (global scope).',
  TENANT_ADMIN: 'Administers the tenant: every record, users, teams, roles and settings.',
  SALES_MANAGER: "Leads a team: the team's records, reports and workflows.",
  SALES_REP: 'Works the records they own.',
};

/** The built-in roles a tenant sees (System Admin is the platform's own, not a tenant's). */
export const TENANT_BUILT_IN_ROLES = BUILT_IN_ROLES.filter((role) => role !== 'SYSTEM_ADMIN');

export function builtInRoleView(name: BuiltInRole): RoleView {
  return { id: name, name, description: BUILT_IN_DESCRIPTIONS[name], builtIn: true, grants: { ...ROLE_GRANTS[name] } };
}

export function customRoleView(row: CustomRoleModel): RoleView {
  return { id: row.id, name: row.name, description: row.description, builtIn: false, grants: storedGrants(row.grants) };
}

/** Grants as stored (JSON); anything a tenant role may not hold is dropped. */
export function storedGrants(value: unknown): Grants {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? tenantGrants(value as Record<string, unknown>) : {};
}

/** GraphQL grants, ordered by permission. */
export function grantEntries(grants: Grants): GrantEntry[] {
  return (Object.entries(grants) as [string, Scope][])
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([permission, scope]) => ({ permission, scope: scope.toUpperCase() as ScopeName }));
}
