import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { authorize } from '../../../context.ts';
import { actorOf } from '../../../lib/events.ts';

export const apiKeysResolvers: Resolvers = {
  Query: {
    apiKeys: (_parent, _args, ctx) => ctx.services.apiKeys.list(authorize(ctx, 'apikey', 'read').db),
  },
  Mutation: {
    createApiKey: async (_parent, { input }, ctx) => {
      const { tenantId } = authorize(ctx, 'apikey', 'create');
      const created = await ctx.services.apiKeys.create(tenantId, input, actorOf(ctx.identity));
      ctx.log.info({ apiKeyId: created.apiKey.id, prefix: created.apiKey.prefix }, 'api key created');
      return created;
    },
    revokeApiKey: async (_parent, { id }, ctx) => {
      const { tenantId } = authorize(ctx, 'apikey', 'delete');
      const revoked = await ctx.services.apiKeys.revoke(tenantId, id, actorOf(ctx.identity));
      ctx.log.info({ apiKeyId: revoked.id }, 'api key revoked');
      return revoked;
    },
  },
  ApiKey: {
    active: (key) => !key.revokedAt && (!key.expiresAt || key.expiresAt.getTime() > Date.now()),
  },
};
