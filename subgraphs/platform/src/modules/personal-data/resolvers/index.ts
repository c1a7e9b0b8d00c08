import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';
import { hasAdminRole } from '@crm/authz';

export const personalDataResolvers: Resolvers = {
  PersonalDataExport: {
    // Reached from the customer subgraph's `exportPersonalData` (tenant admins); checked again here.
    __resolveReference: (reference, ctx) => (hasAdminRole(ctx.identity.roles) ? reference : null),
    platform: (record, _args, ctx) => {
      const { db } = requireTenant(ctx);
      return record.subject === 'USER' ? ctx.services.personalData.exportUser(db, record.subjectId) : ctx.services.personalData.exportContact(db, record.subjectId);
    },
  },
};
