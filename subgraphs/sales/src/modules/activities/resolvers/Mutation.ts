import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, authorizeActivity, authorizeNewActivity, requireTenant } from '../../../context.ts';
import { checkReferences, type Reference } from '../../../references.ts';
import { MAX_MENTIONS, mentionedUserIds } from '../lib/reminders.ts';

/** The record an activity is about, when another subgraph owns it (a deal is checked by the service). */
const RECORD_TYPES: Partial<Record<string, Reference['type']>> = { CONTACT: 'CONTACT', ACCOUNT: 'ACCOUNT', LEAD: 'LEAD' };

export const Mutation: MutationResolvers = {
  createActivity: async (_root, { input }, ctx) => {
    const { tenantId } = requireTenant(ctx);
    authorizeNewActivity(ctx, input.assigneeId);
    const recordType = RECORD_TYPES[input.recordType];
    // more mentions than allowed are refused by the service, without asking who they are
    const mentions = mentionedUserIds(input.body);
    await checkReferences(ctx, [
      ...(recordType ? [{ type: recordType, id: input.recordId, field: 'input.recordId' }] : []),
      { type: 'USER', id: input.assigneeId, field: 'input.assigneeId' },
      ...(mentions.length <= MAX_MENTIONS
        ? mentions.map((id): Reference => ({ type: 'USER', id, field: 'input.body', refusal: `input.body mentions ${id}, who is not a user of the tenant` }))
        : []),
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
