import type { LeadFormResolvers } from '../../../__generated__/resolvers-types.ts';

export const LeadForm: LeadFormResolvers = {
  path: (form) => `/forms/${form.key}`,
};
