import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';
import { hasAdminRole } from '@crm/authz';

export const personalDataResolvers: Resolvers = {
  PersonalDataExport: {
    // Reached from the customer subgraph's `exportPersonalData` (tenant admins); checked again here.
    __resolveReference: (reference, ctx) => (hasAdminRole(ctx.identity.roles) ? reference : null),
    platform: (record, _args, ctx) => ctx.services.personalData.exportContact(requireTenant(ctx).db, record.contactId),
  },
};
