import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { isUuid } from '../../../lib/validation.ts';
import { checkOwner } from '../../../lib/owners.ts';
import { actorOf, authorize, ownerOfNew, ownershipGuard, requireTenant, requireTenantAdmin } from '../../../context.ts';

export const Mutation: MutationResolvers = {
  createAccount: async (_parent, { input }, context) => {
    const { tenantId } = requireTenant(context);
    const ownerId = ownerOfNew(context, 'account', input.ownerId);
    await checkOwner(context, input.ownerId, 'ownerId');
    return context.services.accounts.create(tenantId, actorOf(context.identity), { ...input, ownerId });
  },
  upsertAccounts: async (_parent, { inputs }, context) => {
    const { tenantId } = requireTenant(context);
    const results = await context.services.accounts.upsertMany(tenantId, actorOf(context.identity), inputs, await ownershipGuard(context, 'account', inputs));
    return results.map(({ record, ...result }) => ({ ...result, account: record }));
  },
  deleteAccounts: async (_parent, { ids }, context) => {
    const { tenantId } = requireTenant(context);
    await authorize(context, 'account', 'delete', ids);
    return context.services.accounts.trash(tenantId, actorOf(context.identity), 'deleted', ids);
  },
  restoreAccounts: async (_parent, { ids }, context) => {
    const { tenantId } = requireTenant(context);
    await authorize(context, 'account', 'delete', ids);
    return context.services.accounts.trash(tenantId, actorOf(context.identity), 'restored', ids);
  },
  purgeAccounts: async (_parent, { ids }, context) => {
    const { tenantId } = requireTenantAdmin(context);
    await context.services.accounts.trash(tenantId, actorOf(context.identity), 'purged', ids);
    return [...new Set(ids.map((id) => id.toLowerCase()))];
  },
  mergeAccounts: async (_parent, { input }, context) => {
    const { tenantId } = requireTenant(context);
    await authorize(context, 'account', 'update', [input.survivorId]);
    await authorize(context, 'account', 'delete', input.mergedIds);
    return context.services.accounts.merge(tenantId, actorOf(context.identity), input);
  },
  undoAccountMerge: async (_parent, { mergeId }, context) => {
    const { tenantId, db } = requireTenant(context);
    // undoing changes the survivor and brings back the merged accounts: the caller needs both rights
    const merge = isUuid(mergeId) ? await db.accountMerge.findFirst({ where: { id: mergeId }, select: { survivorId: true, mergedIds: true } }) : null;
    if (merge) {
      await authorize(context, 'account', 'update', [merge.survivorId]);
      await authorize(context, 'account', 'delete', merge.mergedIds);
    }
    return context.services.accounts.undoMerge(tenantId, actorOf(context.identity), mergeId);
  },
};
