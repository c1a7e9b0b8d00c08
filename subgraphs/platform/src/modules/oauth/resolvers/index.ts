import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { authorize } from '../../../context.ts';
import { actorOf } from '../../../lib/events.ts';

/** Partner OAuth clients are partner credentials like API keys: the same `apikey` permissions govern them. */
export const oauthResolvers: Resolvers = {
  Query: {
    oauthClients: (_parent, _args, ctx) => ctx.services.oauthClients.list(authorize(ctx, 'apikey', 'read').db),
  },
  Mutation: {
    createOAuthClient: async (_parent, { input }, ctx) => {
      const { tenantId } = authorize(ctx, 'apikey', 'create');
      const created = await ctx.services.oauthClients.create(tenantId, input, actorOf(ctx.identity));
      ctx.log.info({ clientId: created.clientId }, 'oauth client created');
      return created;
    },
    revokeOAuthClient: async (_parent, { id }, ctx) => {
      const { tenantId } = authorize(ctx, 'apikey', 'delete');
      const revoked = await ctx.services.oauthClients.revoke(tenantId, id, actorOf(ctx.identity));
      ctx.log.info({ clientId: revoked.id }, 'oauth client revoked');
      return revoked;
    },
  },
  OAuthClient: {
    active: (client) => !client.revokedAt,
  },
};
