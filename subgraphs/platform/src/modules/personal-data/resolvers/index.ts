import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';

const ADMIN_ROLES = new Set(['TENANT_ADMIN', 'SYSTEM_ADMIN']);

export const personalDataResolvers: Resolvers = {
  PersonalDataExport: {
    // Reached from the customer subgraph's `exportPersonalData` (tenant admins); checked again here.
    __resolveReference: (reference, ctx) => (ctx.identity.roles.some((role) => ADMIN_ROLES.has(role.toUpperCase())) ? reference : null),
    platform: (record, _args, ctx) => ctx.services.personalData.exportContact(requireTenant(ctx).db, record.contactId),
  },
};
