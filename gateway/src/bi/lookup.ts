/**
 * Finds a tenant's persisted query by name or id. The lookup runs through the supergraph as the
 * caller (so tenancy and permissions are the analytics subgraph's, as for any other read) and is
 * reused for a few seconds per tenant, so a BI tool refreshing a report does not ask every time.
 * Only found queries are remembered: a new registration is usable at once; a deletion takes
 * effect within `ttlMs`.
 */
import type { Identity } from '@crm/runtime';
import type { GraphQLFormattedError } from '../graphql.ts';

export interface StoredQuery {
  id: string;
  name: string;
  document: string;
  sha256: string;
}

export const LOOKUP_QUERY = /* GraphQL */ `
  query BiPersistedQuery($nameOrId: String!) {
    persistedQuery(nameOrId: $nameOrId) { id name document sha256 }
  }
`;

/** Runs an operation through the gateway as `identity`. */
export type Execute = (identity: Identity, query: string, variables: Record<string, unknown>) => Promise<{ data?: unknown; errors?: readonly GraphQLFormattedError[] }>;

/** The lookup failed (the errors are the caller's answer). */
export class LookupErrors extends Error {
  constructor(readonly errors: readonly GraphQLFormattedError[]) {
    super(errors[0]?.message ?? 'Lookup failed');
    this.name = 'LookupErrors';
  }
}

export interface QueryLookupOptions {
  execute: Execute;
  /** How long a found query is reused, ms. Default 5 000. */
  ttlMs?: number;
  /** Most queries remembered at once. Default 1 000. */
  maxEntries?: number;
  /** The current time, ms. Default `Date.now`. */
  clock?: () => number;
}

export interface QueryLookup {
  /** The caller's tenant's query by name or id, or null. Throws `LookupErrors`. */
  find(identity: Identity & { tenantId: string }, nameOrId: string): Promise<StoredQuery | null>;
}

export function createQueryLookup({ execute, ttlMs = 5_000, maxEntries = 1_000, clock = Date.now }: QueryLookupOptions): QueryLookup {
  const remembered = new Map<string, { query: StoredQuery; until: number }>();

  return {
    async find(identity, nameOrId) {
      const key = `${identity.tenantId}\u0000${nameOrId}`;
      const hit = remembered.get(key);
      if (hit && hit.until > clock()) return hit.query;
      remembered.delete(key);
      const result = await execute(identity, LOOKUP_QUERY, { nameOrId });
      if (result.errors?.length) throw new LookupErrors(result.errors);
      const query = (result.data as { persistedQuery?: StoredQuery | null } | undefined)?.persistedQuery ?? null;
      if (!query) return null;
      if (remembered.size >= maxEntries) {
        const oldest = remembered.keys().next().value;
        if (oldest !== undefined) remembered.delete(oldest);
      }
      remembered.set(key, { query, until: clock() + ttlMs });
      return query;
    },
  };
}
