import { forbidden } from '@crm/runtime';
import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant, type Context, type TenantDb } from '../../../context.ts';
import { connectionOf } from '../../../lib/connection.ts';

/** The signed-in user behind the request: notifications belong to users, never to API keys. */
function recipientOf(ctx: Context): { tenantId: string; db: TenantDb; userId: string } {
  const { tenantId, db } = requireTenant(ctx);
  const userId = ctx.identity.userId;
  if (!userId || ctx.identity.actorKind === 'apikey') throw forbidden('Notifications belong to signed-in users');
  return { tenantId, db, userId };
}

/**
 * Declared for the supergraph; the gateway serves it over graphql-ws from
 * `platform.notification.created` events. Asking the subgraph directly is a client mistake.
 */
const servedByGateway = () => {
  throw forbidden('notificationReceived is served by the gateway over graphql-ws, not by the platform subgraph');
};

export const notificationsResolvers: Resolvers = {
  Notification: {
    read: (notification) => notification.readAt !== null,
  },
  User: {
    emailNotifications: (user, _args, ctx) => (ctx.identity.userId === user.id && ctx.identity.actorKind !== 'apikey' ? user.emailNotifications : null),
  },
  Query: {
    notifications: async (_parent, args, ctx) => {
      const { db, userId } = recipientOf(ctx);
      return connectionOf(await ctx.services.notifications.list(db, userId, args));
    },
    unreadNotificationCount: (_parent, _args, ctx) => {
      const { db, userId } = recipientOf(ctx);
      return ctx.services.notifications.unreadCount(db, userId);
    },
  },
  Mutation: {
    markNotificationsRead: (_parent, { ids }, ctx) => {
      const { tenantId, userId } = recipientOf(ctx);
      return ctx.services.notifications.markRead(tenantId, userId, ids);
    },
    markAllNotificationsRead: (_parent, _args, ctx) => {
      const { tenantId, userId } = recipientOf(ctx);
      return ctx.services.notifications.markAllRead(tenantId, userId);
    },
    setEmailNotifications: (_parent, { enabled }, ctx) => {
      const { tenantId, userId } = recipientOf(ctx);
      return ctx.services.notifications.setEmailNotifications(tenantId, userId, enabled);
    },
  },
  Subscription: {
    notificationReceived: { subscribe: servedByGateway, resolve: servedByGateway },
  },
};
