import type { LeadConversionResolvers } from '../../../__generated__/resolvers-types.ts';
import { visible } from '../../../context.ts';

export const LeadConversion: LeadConversionResolvers = {
  lead: async (conversion, _args, context) => {
    const lead = await context.loaders.lead.load(conversion.leadId);
    if (!lead) throw new Error(`Lead ${conversion.leadId} of conversion ${conversion.id} is missing`);
    return lead;
  },
  /** Null when the caller may not read it, or when it is in the trash (e.g. removed by a failed conversion). */
  contact: async (conversion, _args, context) => {
    const contact = visible(context, 'contact', await context.loaders.contact.load(conversion.contactId));
    return contact && contact.deletedAt === null ? contact : null;
  },
  account: async (conversion, _args, context) => {
    if (!conversion.accountId) return null;
    const account = visible(context, 'account', await context.loaders.account.load(conversion.accountId));
    return account && account.deletedAt === null ? account : null;
  },
  deal: (conversion) => (conversion.dealId ? { id: conversion.dealId } : null),
};
