import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, requireTenant } from '../../../context.ts';
import { viewerOf } from './views.ts';

export const Mutation: MutationResolvers = {
  configureImport: (_parent, { id, input }, context) => {
    const { db, tenantId } = requireTenant(context);
    return context.services.imports.configure(db, viewerOf(context, tenantId), id, input);
  },
  startImport: (_parent, { id }, context) => {
    const { db, tenantId } = requireTenant(context);
    return context.services.imports.start(db, viewerOf(context, tenantId), actorOf(context.identity), id);
  },
  undoImport: (_parent, { id }, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.imports.undo(viewerOf(context, tenantId), actorOf(context.identity), id);
  },
  saveImportMapping: (_parent, { input }, context) => {
    const { db, tenantId } = requireTenant(context);
    context.services.imports.assertMayImport(viewerOf(context, tenantId), input.entity);
    return context.services.imports.saveMapping(db, input);
  },
  deleteImportMapping: (_parent, { id }, context) => {
    const { db, tenantId } = requireTenant(context);
    return context.services.imports.deleteMapping(db, viewerOf(context, tenantId), id);
  },
};
