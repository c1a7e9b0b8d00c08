/**
 * @crm/authz — the permission table (roles × `resource:action` × scope) and the decisions every
 * subgraph takes from it: `can` for one record, `scopeFilter` for lists, counts and search.
 */
export * from './permissions.ts';
export * from './authorize.ts';
export * from './principal.ts';
