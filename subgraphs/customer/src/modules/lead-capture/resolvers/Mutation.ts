import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenantAdmin, type Context } from '../../../context.ts';

export const ONLY_ADMINS = 'Only tenant admins may manage lead forms';
const admin = (context: Context) => requireTenantAdmin(context, ONLY_ADMINS);

export const Mutation: MutationResolvers = {
  createLeadForm: (_parent, { input }, context) => context.services.leadForms.create(admin(context).tenantId, input),
  rotateLeadFormKey: (_parent, { id }, context) => context.services.leadForms.rotateKey(admin(context).tenantId, id),
  disableLeadForm: (_parent, { id }, context) => context.services.leadForms.disable(admin(context).tenantId, id),
};
