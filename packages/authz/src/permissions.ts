/**
 * The permission table: which role may do what, on which records.
 *
 * A permission is `resource:action`; each grant carries a scope that says which records it
 * reaches. Scopes are ordered: `global` (every tenant) ⊃ `tenant` (the caller's tenant) ⊃
 * `team` (records owned by the caller's team or assigned to it) ⊃ `own` (records the caller owns).
 * A role without a grant for a permission has no access to it.
 */

export const RESOURCES = [
  'tenant',
  'user',
  'contact',
  'account',
  'lead',
  'deal',
  'activity',
  'report',
  'webhook',
  'workflow',
  'apikey',
  'audit',
] as const;
export type Resource = (typeof RESOURCES)[number];

export const ACTIONS = ['create', 'read', 'update', 'delete', 'execute'] as const;
export type Action = (typeof ACTIONS)[number];

/** Widest last: `SCOPES.indexOf` ranks them. */
export const SCOPES = ['own', 'team', 'tenant', 'global'] as const;
export type Scope = (typeof SCOPES)[number];

export const BUILT_IN_ROLES = ['SYSTEM_ADMIN', 'TENANT_ADMIN', 'SALES_MANAGER', 'SALES_REP'] as const;
export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];

/** `resource:action`, e.g. `deal:update`. */
export type Permission = `${Resource}:${Action}`;

/** A role's grants: the widest scope it holds per permission (absent = no access). */
export type Grants = Partial<Record<Permission, Scope>>;

export const permission = (resource: Resource, action: Action): Permission => `${resource}:${action}`;

/** Whether the roles include a tenant or system admin (who manage settings and personal data). */
export function hasAdminRole(roles: readonly string[]): boolean {
  return roles.some((role) => role.toUpperCase() === 'TENANT_ADMIN' || role.toUpperCase() === 'SYSTEM_ADMIN');
}

/** Every action on each listed resource, at one scope. */
function all(resources: readonly Resource[], scope: Scope, actions: readonly Action[] = ACTIONS): Grants {
  const grants: Grants = {};
  for (const resource of resources) for (const action of actions) grants[permission(resource, action)] = scope;
  return grants;
}

/** The records sales people work on every day. */
const SALES_RECORDS = ['contact', 'account', 'lead', 'deal', 'activity'] as const satisfies readonly Resource[];
const CRUD = ['create', 'read', 'update', 'delete'] as const satisfies readonly Action[];

/**
 * Built-in roles (architecture document):
 *
 * | role          | sales records (contact, account, lead, deal, activity) | reports            | users, tenant | webhooks, workflows, API keys, audit |
 * |---------------|--------------------------------------------------------|--------------------|---------------|--------------------------------------|
 * | SYSTEM_ADMIN  | everything, every tenant (global)                      | global             | global        | global                               |
 * | TENANT_ADMIN  | everything in the tenant                               | tenant             | tenant        | tenant                               |
 * | SALES_MANAGER | CRUD on the team's records                             | CRUD + run, team   | read, tenant  | workflows: read + run, tenant        |
 * | SALES_REP     | CRUD on own records                                    | CRUD + run, own    | read, tenant  | none                                 |
 */
export const ROLE_GRANTS: Readonly<Record<BuiltInRole, Readonly<Grants>>> = {
  SYSTEM_ADMIN: all(RESOURCES, 'global'),
  TENANT_ADMIN: all(RESOURCES, 'tenant'),
  SALES_MANAGER: {
    ...all(SALES_RECORDS, 'team', CRUD),
    ...all(['report'], 'team'),
    ...all(['user', 'tenant'], 'tenant', ['read']),
    ...all(['workflow'], 'tenant', ['read', 'execute']),
  },
  SALES_REP: {
    ...all(SALES_RECORDS, 'own', CRUD),
    ...all(['report'], 'own'),
    ...all(['user', 'tenant'], 'tenant', ['read']),
  },
};

/** A role a tenant defines for itself; it can never reach beyond its tenant. */
export interface CustomRole {
  name: string;
  grants: Grants;
}

export class InvalidRoleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRoleError';
  }
}

const ROLE_NAME = /^[A-Z][A-Z0-9_]{1,63}$/;

/**
 * Checks a tenant-defined role: a SCREAMING_CASE name that is not a built-in role, known
 * permissions only, and no `global` scope (only the platform's own System Admin has it).
 */
export function defineCustomRole(name: string, grants: Record<string, string>): CustomRole {
  if (!ROLE_NAME.test(name)) throw new InvalidRoleError(`Role name "${name}" must be SCREAMING_CASE (2-64 characters)`);
  if ((BUILT_IN_ROLES as readonly string[]).includes(name)) throw new InvalidRoleError(`"${name}" is a built-in role`);
  const checked: Grants = {};
  for (const [key, scope] of Object.entries(grants)) {
    if (!isPermission(key)) throw new InvalidRoleError(`Unknown permission "${key}"`);
    if (!(SCOPES as readonly string[]).includes(scope)) throw new InvalidRoleError(`Unknown scope "${scope}" for ${key}`);
    if (scope === 'global') throw new InvalidRoleError(`A tenant role cannot have global scope (${key})`);
    checked[key] = scope as Scope;
  }
  return { name, grants: checked };
}

export function isPermission(value: string): value is Permission {
  const [resource, action, ...rest] = value.split(':');
  return (
    rest.length === 0 &&
    (RESOURCES as readonly string[]).includes(resource ?? '') &&
    (ACTIONS as readonly string[]).includes(action ?? '')
  );
}

/**
 * The grants of `grants` a tenant role may hold: known permissions with an `own`, `team` or
 * `tenant` scope; anything else (unknown keys, `global`, garbage) is dropped.
 */
export function tenantGrants(grants: Readonly<Record<string, unknown>>): Grants {
  const kept: Grants = {};
  for (const [key, scope] of Object.entries(grants)) {
    if (isPermission(key) && (scope === 'own' || scope === 'team' || scope === 'tenant')) kept[key] = scope;
  }
  return kept;
}

/** The widest scope per permission over several roles' grants (what a holder of all of them may do). */
export function mergeGrants(all: readonly Readonly<Grants>[]): Grants {
  const merged: Grants = {};
  for (const grants of all) {
    for (const [key, scope] of Object.entries(grants) as [Permission, Scope][]) {
      const known = merged[key];
      if (!known || SCOPES.indexOf(scope) > SCOPES.indexOf(known)) merged[key] = scope;
    }
  }
  return merged;
}
