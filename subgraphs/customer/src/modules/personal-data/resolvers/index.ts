import { badInput, JSONScalar } from '@crm/runtime';
import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, requireTenantAdmin } from '../../../context.ts';
import { reportsOf, subjectOf, subjectOfArguments, waitingFor } from '../lib/erasure.ts';

const ADMINS_ONLY = 'Only tenant admins may export or erase personal data';
const ONE_SUBJECT = 'Give exactly one of contactId and userId';

export const resolvers: Resolvers = {
  JSON: JSONScalar,
  Query: {
    exportPersonalData: async (_root, { contactId, userId }, context) => {
      const { db } = requireTenantAdmin(context, ADMINS_ONLY);
      const subject = subjectOfArguments(contactId, userId);
      if (!subject) throw badInput(ONE_SUBJECT, 'contactId');
      const id = subject.id.toLowerCase();
      const customer =
        subject.kind === 'USER' ? await context.services.personalData.exportUser(db, subject.id) : await context.services.personalData.exportContact(db, subject.id);
      return {
        subject: subject.kind,
        subjectId: id,
        contactId: subject.kind === 'CONTACT' ? id : null,
        userId: subject.kind === 'USER' ? id : null,
        exportedAt: new Date(),
        customer,
      };
    },
    personalDataErasure: (_root, { id }, context) => context.services.personalData.get(requireTenantAdmin(context, ADMINS_ONLY).db, id),
  },
  Mutation: {
    erasePersonalData: (_root, { contactId, userId }, context) => {
      const { tenantId } = requireTenantAdmin(context, ADMINS_ONLY);
      const subject = subjectOfArguments(contactId, userId);
      if (!subject) throw badInput(ONE_SUBJECT, 'contactId');
      const actor = actorOf(context.identity);
      return subject.kind === 'USER'
        ? context.services.personalData.eraseUser(tenantId, actor, subject.id)
        : context.services.personalData.erase(tenantId, actor, subject.id);
    },
  },
  PersonalDataExport: {
    // Only `exportPersonalData` hands out exports; a reference from elsewhere resolves to nothing here.
    __resolveReference: () => null,
  },
  PersonalDataErasure: {
    subject: (erasure) => subjectOf(erasure).kind,
    status: (erasure) => (erasure.status === 'COMPLETED' ? 'COMPLETED' : 'PENDING'),
    waitingFor: (erasure) => waitingFor(reportsOf(erasure.reports)),
    reports: (erasure) =>
      Object.entries(reportsOf(erasure.reports)).map(([subgraph, report]) => ({ subgraph, erased: report.erased, reportedAt: report.reportedAt })),
  },
};
