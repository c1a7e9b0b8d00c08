import { hasAdminRole } from '@crm/authz';
import { forbidden } from '@crm/runtime';
import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant, type Context } from '../../../context.ts';
import { actorOf } from '../../../lib/events.ts';
import type { ViewCaller } from '../services/saved-views.ts';

/** Saved views belong to signed-in users, never to API keys or partner clients. */
function viewCallerOf(ctx: Context): ViewCaller {
  const { tenantId } = requireTenant(ctx);
  const userId = ctx.identity.userId;
  if (!userId || ctx.identity.actorKind === 'apikey') throw forbidden('Saved views belong to signed-in users');
  return { tenantId, userId, admin: hasAdminRole(ctx.identity.roles) };
}

export const savedViewsResolvers: Resolvers = {
  Query: {
    savedViews: (_parent, { list }, ctx) => ctx.services.savedViews.list(viewCallerOf(ctx), list),
  },
  Mutation: {
    createSavedView: async (_parent, { input }, ctx) => {
      const view = await ctx.services.savedViews.create(viewCallerOf(ctx), input, actorOf(ctx.identity));
      ctx.log.info({ savedViewId: view.id, list: view.list, shared: view.shared }, 'saved view created');
      return view;
    },
    updateSavedView: (_parent, { id, input }, ctx) => ctx.services.savedViews.update(viewCallerOf(ctx), id, input, actorOf(ctx.identity)),
    deleteSavedView: (_parent, { id }, ctx) => ctx.services.savedViews.remove(viewCallerOf(ctx), id, actorOf(ctx.identity)),
  },
  SavedView: {
    owner: (view, _args, ctx) => ctx.loaders.user.load(view.ownerId),
  },
};
