/**
 * The permission grid of a role: resources × actions, each cell a scope (or no access). The grid
 * starts from a role's grants and turns back into the grants the API takes; the catalogue of
 * permissions comes from the roles the API lists (the Tenant Admin role holds every permission).
 */

export type GridScope = 'OWN' | 'TEAM' | 'TENANT' | 'GLOBAL';

export interface Grant {
  permission: string;
  scope: GridScope;
}

/** Cells with a scope, by `resource:action`; a cell absent from the map grants nothing. */
export type Grid = Readonly<Record<string, GridScope>>;

/** The scopes a tenant's own role may hold, narrowest first (GLOBAL belongs to the platform's System Admin). */
export const TENANT_SCOPES: readonly GridScope[] = ['OWN', 'TEAM', 'TENANT'];

export const SCOPE_LABELS: Readonly<Record<GridScope, string>> = { OWN: 'Own', TEAM: 'Team', TENANT: 'Tenant', GLOBAL: 'All tenants' };

const ACTION_ORDER = ['create', 'read', 'update', 'delete', 'execute'];

export interface Catalogue {
  resources: readonly string[];
  actions: readonly string[];
  /** Whether `resource:action` is a permission at all (not every resource has every action). */
  has(resource: string, action: string): boolean;
}

/** Resources (alphabetical) and actions (create, read, update, delete, execute) of every permission the roles grant. */
export function catalogueOf(roles: ReadonlyArray<{ grants: readonly Grant[] }>): Catalogue {
  const known = new Set<string>();
  for (const role of roles) for (const grant of role.grants) known.add(grant.permission);
  const pairs = [...known].map((permission) => permission.split(':') as [string, string]);
  const resources = [...new Set(pairs.map(([resource]) => resource))].sort();
  const actions = [...new Set(pairs.map(([, action]) => action))].sort((a, b) => rankOf(a) - rankOf(b) || a.localeCompare(b));
  return { resources, actions, has: (resource, action) => known.has(`${resource}:${action}`) };
}

function rankOf(action: string): number {
  const index = ACTION_ORDER.indexOf(action);
  return index === -1 ? ACTION_ORDER.length : index;
}

export function gridOf(grants: readonly Grant[]): Grid {
  return Object.fromEntries(grants.map((grant) => [grant.permission, grant.scope]));
}

/** The grid with one cell set to `scope`, or cleared with null. */
export function withCell(grid: Grid, permission: string, scope: GridScope | null): Grid {
  const next: Record<string, GridScope> = { ...grid };
  if (scope) next[permission] = scope;
  else delete next[permission];
  return next;
}

/** The grid with every action of `resource` (that exists in the catalogue) set to `scope`, or cleared. */
export function withResource(grid: Grid, catalogue: Catalogue, resource: string, scope: GridScope | null): Grid {
  let next = grid;
  for (const action of catalogue.actions) if (catalogue.has(resource, action)) next = withCell(next, `${resource}:${action}`, scope);
  return next;
}

/** The grants the API takes, ordered by permission. */
export function grantsOf(grid: Grid): Grant[] {
  return Object.entries(grid)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([permission, scope]) => ({ permission, scope }));
}

/** Whether two grids grant the same (unsaved changes). */
export function sameGrid(a: Grid, b: Grid): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => a[key] === b[key]);
}

/**
 * A short reading of a role's grants: resources with the same actions at the same scope read
 * together, e.g. "contact, lead: read (tenant) · deal: create, update (own)".
 */
export function summaryOf(grants: readonly Grant[]): string {
  if (grants.length === 0) return 'No access';
  const byResource = new Map<string, Map<GridScope, string[]>>();
  for (const { permission, scope } of grants) {
    const [resource = permission, action = ''] = permission.split(':');
    const scopes = byResource.get(resource) ?? new Map<GridScope, string[]>();
    scopes.set(scope, [...(scopes.get(scope) ?? []), action]);
    byResource.set(resource, scopes);
  }
  const groups = new Map<string, { resources: string[]; actions: string[]; scope: GridScope }>();
  for (const [resource, scopes] of [...byResource.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    for (const [scope, actions] of scopes) {
      const ordered = [...actions].sort((x, y) => rankOf(x) - rankOf(y));
      const key = `${ordered.join(',')}|${scope}`;
      const group = groups.get(key);
      if (group) group.resources.push(resource);
      else groups.set(key, { resources: [resource], actions: ordered, scope });
    }
  }
  return [...groups.values()].map((group) => `${group.resources.join(', ')}: ${group.actions.join(', ')} (${SCOPE_LABELS[group.scope].toLowerCase()})`).join(' · ');
}

/** How a resource reads in the grid: "Contact", "API key". */
export function resourceLabel(resource: string): string {
  if (resource === 'apikey') return 'API key';
  return resource.charAt(0).toUpperCase() + resource.slice(1);
}

/** Role names are SCREAMING_CASE: "contact viewer" → "CONTACT_VIEWER". */
export function roleNameOf(text: string): string {
  return text
    .trim()
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}
