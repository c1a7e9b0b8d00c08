import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, authorizeActivity, authorizeNewActivity, requireTenant } from '../../../context.ts';
import { checkReferences, type Reference } from '../../../references.ts';

/** The record an activity is about, when another subgraph owns it (a deal is checked by the service). */
const RECORD_TYPES: Partial<Record<string, Reference['type']>> = { CONTACT: 'CONTACT', ACCOUNT: 'ACCOUNT', LEAD: 'LEAD' };

export const Mutation: MutationResolvers = {
  createActivity: async (_root, { input }, ctx) => {
    const { tenantId } = requireTenant(ctx);
    authorizeNewActivity(ctx, input.assigneeId);
    const recordType = RECORD_TYPES[input.recordType];
    await checkReferences(ctx, [
      ...(recordType ? [{ type: recordType, id: input.recordId, field: 'input.recordId' }] : []),
      { type: 'USER', id: input.assigneeId, field: 'input.assigneeId' },
    ]);
    return ctx.services.activities.create(tenantId, actorOf(ctx), input);
  },
  completeActivity: async (_root, { id, expectedVersion }, ctx) => {
    await authorizeActivity(ctx, 'update', id);
    return ctx.services.activities.complete(requireTenant(ctx).tenantId, actorOf(ctx), id, expectedVersion);
  },
  deleteActivity: async (_root, { id }, ctx) => {
    await authorizeActivity(ctx, 'delete', id);
    return (await ctx.services.activities.remove(requireTenant(ctx).tenantId, actorOf(ctx), id)).id;
  },
};
