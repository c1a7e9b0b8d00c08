import { describe, expect, it } from 'vitest';
import { catalogueOf, grantsOf, gridOf, resourceLabel, roleNameOf, sameGrid, summaryOf, withCell, withResource, type Grant } from './role-grid.ts';

const ADMIN: Grant[] = ['contact', 'deal', 'report'].flatMap((resource) =>
  ['read', 'create', 'delete', 'update', ...(resource === 'report' ? ['execute'] : [])].map((action) => ({ permission: `${resource}:${action}`, scope: 'TENANT' as const })),
);

describe('catalogueOf', () => {
  it('lists the resources alphabetically and the actions in CRUD order, and knows which cells exist', () => {
    const catalogue = catalogueOf([{ grants: ADMIN }, { grants: [{ permission: 'contact:read', scope: 'OWN' }] }]);
    expect(catalogue.resources).toEqual(['contact', 'deal', 'report']);
    expect(catalogue.actions).toEqual(['create', 'read', 'update', 'delete', 'execute']);
    expect(catalogue.has('report', 'execute')).toBe(true);
    expect(catalogue.has('deal', 'execute')).toBe(false);
  });
});

describe('grid', () => {
  it('round-trips a role’s grants, ordered by permission', () => {
    const grants: Grant[] = [{ permission: 'deal:read', scope: 'TEAM' }, { permission: 'contact:read', scope: 'TENANT' }];
    expect(grantsOf(gridOf(grants))).toEqual([{ permission: 'contact:read', scope: 'TENANT' }, { permission: 'deal:read', scope: 'TEAM' }]);
    expect(grantsOf(gridOf([]))).toEqual([]);
  });

  it('sets and clears one cell without touching the others, and leaves the original grid alone', () => {
    const grid = gridOf([{ permission: 'contact:read', scope: 'TENANT' }]);
    const changed = withCell(grid, 'deal:read', 'OWN');
    expect(grantsOf(changed)).toEqual([{ permission: 'contact:read', scope: 'TENANT' }, { permission: 'deal:read', scope: 'OWN' }]);
    expect(grantsOf(withCell(changed, 'contact:read', 'TEAM'))).toContainEqual({ permission: 'contact:read', scope: 'TEAM' });
    expect(grantsOf(withCell(changed, 'contact:read', null))).toEqual([{ permission: 'deal:read', scope: 'OWN' }]);
    expect(grantsOf(grid)).toEqual([{ permission: 'contact:read', scope: 'TENANT' }]);
  });

  it('sets a whole resource row, only for the actions that exist', () => {
    const catalogue = catalogueOf([{ grants: ADMIN }]);
    const row = withResource({}, catalogue, 'deal', 'TEAM');
    expect(grantsOf(row).map((grant) => grant.permission)).toEqual(['deal:create', 'deal:delete', 'deal:read', 'deal:update']);
    expect(grantsOf(withResource(row, catalogue, 'deal', null))).toEqual([]);
  });

  it('tells unsaved changes apart', () => {
    const grid = gridOf([{ permission: 'contact:read', scope: 'TENANT' }]);
    expect(sameGrid(grid, withCell(withCell(grid, 'deal:read', 'OWN'), 'deal:read', null))).toBe(true);
    expect(sameGrid(grid, withCell(grid, 'contact:read', 'OWN'))).toBe(false);
    expect(sameGrid(grid, {})).toBe(false);
  });
});

describe('summaryOf', () => {
  it('reads grants per resource and scope, resources alike together', () => {
    expect(summaryOf([{ permission: 'deal:update', scope: 'OWN' }, { permission: 'contact:read', scope: 'TENANT' }, { permission: 'deal:create', scope: 'OWN' }])).toBe('contact: read (tenant) · deal: create, update (own)');
    expect(summaryOf([])).toBe('No access');
    expect(summaryOf(ADMIN)).toBe('contact, deal: create, read, update, delete (tenant) · report: create, read, update, delete, execute (tenant)');
    expect(summaryOf([{ permission: 'lead:read', scope: 'TENANT' }, { permission: 'contact:read', scope: 'TENANT' }, { permission: 'contact:update', scope: 'OWN' }])).toBe('contact, lead: read (tenant) · contact: update (own)');
  });
});

describe('roleNameOf', () => {
  it('turns a typed name into SCREAMING_CASE', () => {
    expect(roleNameOf(' contact viewer ')).toBe('CONTACT_VIEWER');
    expect(roleNameOf('Deal-Desk 2')).toBe('DEAL_DESK_2');
  });
});

describe('resourceLabel', () => {
  it('reads resources as words', () => {
    expect(resourceLabel('contact')).toBe('Contact');
    expect(resourceLabel('apikey')).toBe('API key');
  });
});
