import { hasAdminRole } from '@crm/authz';
import { forbidden } from '@crm/runtime';
import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';
import { connectionOf } from '../../../lib/connection.ts';

export const emailResolvers: Resolvers = {
  Query: {
    outboundEmails: async (_parent, args, ctx) => {
      const { db } = requireTenant(ctx);
      if (!hasAdminRole(ctx.identity.roles)) throw forbidden('Only tenant admins may see outgoing e-mails');
      return connectionOf(await ctx.services.outboundEmails.list(db, args));
    },
  },
  OutboundEmail: {
    nextAttemptAt: (email) => (email.status === 'PENDING' ? email.nextAttemptAt : null),
  },
};
