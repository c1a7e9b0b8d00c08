import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, requireTenantAdmin, type Context } from '../../../context.ts';

const ONLY_ADMINS = 'Only tenant admins may define custom fields';
const admin = (context: Context) => requireTenantAdmin(context, ONLY_ADMINS);

export const Mutation: MutationResolvers = {
  createCustomFieldDefinition: (_parent, { input }, context) => {
    const { tenantId } = admin(context);
    return context.services.customFields.create(tenantId, actorOf(context.identity), input);
  },
  updateCustomFieldDefinition: (_parent, { id, input }, context) => {
    const { tenantId } = admin(context);
    return context.services.customFields.update(tenantId, actorOf(context.identity), id, input);
  },
  archiveCustomFieldDefinition: (_parent, { id }, context) => {
    const { tenantId } = admin(context);
    return context.services.customFields.archive(tenantId, actorOf(context.identity), id);
  },
};
