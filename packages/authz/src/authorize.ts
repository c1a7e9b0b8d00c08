/**
 * Decisions from the permission table: may this principal do this to that record (`can`), and
 * which records may it see at all (`scopeFilter`, turned into a database filter by each subgraph).
 * Both read the same table through the same predicate, so a list never shows a record that a
 * lookup of that record would refuse.
 */
import {
  BUILT_IN_ROLES,
  permission,
  ROLE_GRANTS,
  SCOPES,
  type Action,
  type BuiltInRole,
  type CustomRole,
  type Grants,
  type Resource,
  type Scope,
} from './permissions.ts';

/** Who is asking: from the verified identity, plus the team facts the platform knows. */
export interface Principal {
  tenantId: string;
  userId: string | null;
  /** Built-in role names and/or names of the tenant's custom roles; unknown names grant nothing. */
  roles: readonly string[];
  /** The caller's team, if any. */
  teamId?: string | null;
  /** Users of the caller's team (the caller may be included); their records are "the team's". */
  teamMemberIds?: readonly string[];
  /**
   * The merged grants of the tenant's custom roles the caller holds (widest scope per permission),
   * as the platform knows them. They add to the grants of the built-in roles; `global` never
   * counts here (a tenant-defined role cannot reach beyond its tenant).
   */
  customGrants?: Readonly<Grants>;
}

/** The ownership facts of one record. */
export interface RecordRef {
  tenantId: string;
  ownerId?: string | null;
  teamId?: string | null;
}

/**
 * Which records of the caller's tenant a principal may see, for a database filter:
 * - `all`: every record (tenant scope; the tenant itself is enforced by row-level security);
 * - `none`: nothing;
 * - `owners`: records whose owner is one of `ownerIds`;
 * - `teams`: records assigned to one of `teamIds` or owned by one of `ownerIds` (the team's members).
 * `crossTenant` is true only for global grants (System Admin): the filter is not limited to one tenant.
 */
export type ScopeFilter =
  | { kind: 'all'; crossTenant: boolean }
  | { kind: 'none' }
  | { kind: 'owners'; ownerIds: string[] }
  | { kind: 'teams'; teamIds: string[]; ownerIds: string[] };

export interface Authorizer {
  /** Widest scope the principal holds for `resource:action`, or null. */
  scopeOf(principal: Principal, resource: Resource, action: Action): Scope | null;
  /**
   * Without `record`: whether the principal holds the permission at all (e.g. may open the create form).
   * With `record`: whether that record is within the granted scope (for creates: the record as it would be written).
   */
  can(principal: Principal, resource: Resource, action: Action, record?: RecordRef): boolean;
  /** The records the principal may `action` (normally `read`), as a filter description. */
  scopeFilter(principal: Principal, resource: Resource, action: Action): ScopeFilter;
}

const rank = (scope: Scope) => SCOPES.indexOf(scope);
const isBuiltIn = (role: string): role is BuiltInRole => (BUILT_IN_ROLES as readonly string[]).includes(role);

/**
 * An authorizer over the built-in roles plus a tenant's custom roles: those given here (looked up
 * by role name) and the merged custom grants a principal carries (`Principal.customGrants`).
 */
export function createAuthorizer(customRoles: readonly CustomRole[] = []): Authorizer {
  const custom = new Map(customRoles.map((role) => [role.name, role.grants]));

  const scopeOf: Authorizer['scopeOf'] = (principal, resource, action) => {
    const key = permission(resource, action);
    let widest: Scope | null = null;
    for (const role of principal.roles) {
      const scope = isBuiltIn(role) ? ROLE_GRANTS[role][key] : custom.get(role)?.[key];
      if (scope && (widest === null || rank(scope) > rank(widest))) widest = scope;
    }
    const granted = principal.customGrants?.[key];
    if (granted && granted !== 'global' && (widest === null || rank(granted) > rank(widest))) widest = granted;
    return widest;
  };

  const scopeFilter: Authorizer['scopeFilter'] = (principal, resource, action) => {
    const scope = scopeOf(principal, resource, action);
    switch (scope) {
      case null:
        return { kind: 'none' };
      case 'global':
        return { kind: 'all', crossTenant: true };
      case 'tenant':
        return { kind: 'all', crossTenant: false };
      case 'team': {
        const ownerIds = unique([...(principal.userId ? [principal.userId] : []), ...(principal.teamMemberIds ?? [])]);
        const teamIds = principal.teamId ? [principal.teamId] : [];
        if (!teamIds.length) return ownerIds.length ? { kind: 'owners', ownerIds } : { kind: 'none' };
        return { kind: 'teams', teamIds, ownerIds };
      }
      case 'own':
        return principal.userId ? { kind: 'owners', ownerIds: [principal.userId] } : { kind: 'none' };
    }
  };

  return {
    scopeOf,
    scopeFilter,
    can(principal, resource, action, record) {
      if (!record) return scopeOf(principal, resource, action) !== null;
      const filter = scopeFilter(principal, resource, action);
      if (filter.kind === 'none') return false;
      if (record.tenantId !== principal.tenantId && !(filter.kind === 'all' && filter.crossTenant)) return false;
      return matchesScope(filter, record);
    },
  };
}

/** Whether a record (of the principal's tenant) passes a scope filter: the in-memory twin of the SQL filter. */
export function matchesScope(filter: ScopeFilter, record: Omit<RecordRef, 'tenantId'>): boolean {
  switch (filter.kind) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'owners':
      return !!record.ownerId && filter.ownerIds.includes(record.ownerId);
    case 'teams':
      return (!!record.teamId && filter.teamIds.includes(record.teamId)) || (!!record.ownerId && filter.ownerIds.includes(record.ownerId));
  }
}

/**
 * A Prisma `where` fragment for a scope filter, for models with an owner column (and optionally a
 * team column). `null` means no extra condition; `{ id: { in: [] } }` matches nothing.
 */
export function toWhere(
  filter: ScopeFilter,
  columns: { owner: string; team?: string } = { owner: 'ownerId' },
): Record<string, unknown> | null {
  switch (filter.kind) {
    case 'all':
      return null;
    case 'none':
      return { [columns.owner]: { in: [] } };
    case 'owners':
      return { [columns.owner]: { in: filter.ownerIds } };
    case 'teams':
      return {
        OR: [
          { [columns.owner]: { in: filter.ownerIds } },
          ...(columns.team ? [{ [columns.team]: { in: filter.teamIds } }] : []),
        ],
      };
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

const builtIn = createAuthorizer();

/** `can` over the built-in roles (tenants without custom roles). */
export const can: Authorizer['can'] = builtIn.can;
/** `scopeFilter` over the built-in roles. */
export const scopeFilter: Authorizer['scopeFilter'] = builtIn.scopeFilter;
/** `scopeOf` over the built-in roles. */
export const scopeOf: Authorizer['scopeOf'] = builtIn.scopeOf;
