import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant, scopeWhere } from '../../../context.ts';

export const Query: QueryResolvers = {
  /**
   * Hits within the caller's read scope per type. Each hit arrives with its record, which also
   * primes the request's DataLoaders (no second query for the records).
   */
  search: async (_parent, { query, types, first }, context) => {
    const { db } = requireTenant(context);
    const scopes = { CONTACT: scopeWhere(context, 'contact'), ACCOUNT: scopeWhere(context, 'account'), LEAD: scopeWhere(context, 'lead') };
    const hits = await context.services.search.search(db, { query, types, first, scopes });
    for (const hit of hits) {
      if (hit.type === 'CONTACT') context.loaders.contact.prime(hit.id, hit.record);
      else if (hit.type === 'ACCOUNT') context.loaders.account.prime(hit.id, hit.record);
      else context.loaders.lead.prime(hit.id, hit.record);
    }
    return { hits };
  },
};
