import { JSONScalar } from '@crm/runtime';
import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, requireTenantAdmin } from '../../../context.ts';
import { reportsOf, waitingFor } from '../lib/erasure.ts';

const ADMINS_ONLY = 'Only tenant admins may export or erase personal data';

export const resolvers: Resolvers = {
  JSON: JSONScalar,
  Query: {
    exportPersonalData: async (_root, { contactId }, context) => {
      const { db } = requireTenantAdmin(context, ADMINS_ONLY);
      const customer = await context.services.personalData.exportContact(db, contactId);
      return { contactId: contactId.toLowerCase(), exportedAt: new Date(), customer };
    },
    personalDataErasure: (_root, { id }, context) => context.services.personalData.get(requireTenantAdmin(context, ADMINS_ONLY).db, id),
  },
  Mutation: {
    erasePersonalData: (_root, { contactId }, context) => {
      const { tenantId } = requireTenantAdmin(context, ADMINS_ONLY);
      return context.services.personalData.erase(tenantId, actorOf(context.identity), contactId);
    },
  },
  PersonalDataExport: {
    // Only `exportPersonalData` hands out exports; a reference from elsewhere resolves to nothing here.
    __resolveReference: () => null,
  },
  PersonalDataErasure: {
    status: (erasure) => (erasure.status === 'COMPLETED' ? 'COMPLETED' : 'PENDING'),
    waitingFor: (erasure) => waitingFor(reportsOf(erasure.reports)),
    reports: (erasure) =>
      Object.entries(reportsOf(erasure.reports)).map(([subgraph, report]) => ({ subgraph, erased: report.erased, reportedAt: report.reportedAt })),
  },
};
