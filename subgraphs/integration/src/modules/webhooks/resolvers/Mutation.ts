import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, requireTenant } from '../../../context.ts';

export const Mutation: MutationResolvers = {
  registerWebhookEndpoint: (_parent, { input }, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.webhookEndpoints.register(tenantId, actorOf(context.identity), input);
  },
  deleteWebhookEndpoint: (_parent, { id }, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.webhookEndpoints.delete(tenantId, actorOf(context.identity), id);
  },
};
