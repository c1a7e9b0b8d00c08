import { JSONScalar } from '@crm/runtime';
import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';
import { hasAdminRole } from '@crm/authz';

export const personalDataResolvers: Resolvers = {
  JSON: JSONScalar,
  PersonalDataExport: {
    // Reached from the customer subgraph's `exportPersonalData` (tenant admins); checked again here.
    __resolveReference: (reference, ctx) => (hasAdminRole(ctx.identity.roles) ? reference : null),
    sales: (record, _args, ctx) => {
      const { db } = requireTenant(ctx);
      const id = record.subjectId.toLowerCase();
      return record.subject === 'USER' ? ctx.services.personalData.exportUser(db, id) : ctx.services.personalData.exportContact(db, id);
    },
  },
};
