import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, requireTenant, requireTenantAdmin } from '../../../context.ts';

export const Mutation: MutationResolvers = {
  createAccount: (_parent, { input }, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.accounts.create(tenantId, actorOf(context.identity), input);
  },
  upsertAccounts: async (_parent, { inputs }, context) => {
    const { tenantId } = requireTenant(context);
    const results = await context.services.accounts.upsertMany(tenantId, actorOf(context.identity), inputs);
    return results.map(({ record, ...result }) => ({ ...result, account: record }));
  },
  deleteAccounts: (_parent, { ids }, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.accounts.trash(tenantId, actorOf(context.identity), 'deleted', ids);
  },
  restoreAccounts: (_parent, { ids }, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.accounts.trash(tenantId, actorOf(context.identity), 'restored', ids);
  },
  purgeAccounts: async (_parent, { ids }, context) => {
    const { tenantId } = requireTenantAdmin(context);
    await context.services.accounts.trash(tenantId, actorOf(context.identity), 'purged', ids);
    return [...new Set(ids.map((id) => id.toLowerCase()))];
  },
  mergeAccounts: (_parent, { input }, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.accounts.merge(tenantId, actorOf(context.identity), input);
  },
  undoAccountMerge: (_parent, { mergeId }, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.accounts.undoMerge(tenantId, actorOf(context.identity), mergeId);
  },
};
