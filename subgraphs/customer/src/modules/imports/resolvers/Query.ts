import { decodeKeysetCursor } from '@crm/db';
import { badInput } from '@crm/runtime';
import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';
import { viewerOf } from './views.ts';

export const Query: QueryResolvers = {
  importJob: (_parent, { id }, context) => {
    const { db, tenantId } = requireTenant(context);
    return context.services.imports.find(db, viewerOf(context, tenantId), id);
  },
  importJobs: async (_parent, { first, after }, context) => {
    const { db, tenantId } = requireTenant(context);
    if (!Number.isInteger(first) || first < 0 || first > 100) throw badInput('first must be between 0 and 100', 'first');
    const position = after ? decodeKeysetCursor(after) : null;
    if (after && !position) throw badInput('after is not a cursor of this list', 'after');
    const page = await context.services.imports.list(db, viewerOf(context, tenantId), { first, after: position });
    return { ...page, hasPreviousPage: Boolean(after) };
  },
  importMappings: (_parent, { entity }, context) => {
    const { db } = requireTenant(context);
    return context.services.imports.mappings(db, entity);
  },
};
