import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, requireTenant } from '../../../context.ts';
import type { CreateDealInput, UpdateDealInput } from '../services/deals.ts';

/** `Date` arrives as a checked `YYYY-MM-DD` string (see the scalar); the services take it as such. */
const calendarDate = (value: unknown): string | null | undefined => (value === undefined ? undefined : (value as string | null));

export const Mutation: MutationResolvers = {
  createDeal: (_root, { input }, ctx) => {
    const deal: CreateDealInput = { ...input, expectedCloseDate: calendarDate(input.expectedCloseDate) };
    return ctx.services.deals.create(requireTenant(ctx).tenantId, actorOf(ctx), deal);
  },
  updateDeal: (_root, { id, input, expectedVersion }, ctx) => {
    const changes: UpdateDealInput = { ...input, expectedCloseDate: calendarDate(input.expectedCloseDate) };
    return ctx.services.deals.update(requireTenant(ctx).tenantId, actorOf(ctx), id, changes, { version: expectedVersion });
  },
  moveDeal: (_root, { id, stageId, expectedStageId, expectedVersion }, ctx) =>
    ctx.services.deals.move(requireTenant(ctx).tenantId, actorOf(ctx), id, stageId, { version: expectedVersion, stageId: expectedStageId }),
  markDealWon: (_root, { id, reason, expectedVersion }, ctx) =>
    ctx.services.deals.close(requireTenant(ctx).tenantId, actorOf(ctx), id, 'WON', reason, { version: expectedVersion }),
  markDealLost: (_root, { id, reason, expectedVersion }, ctx) =>
    ctx.services.deals.close(requireTenant(ctx).tenantId, actorOf(ctx), id, 'LOST', reason, { version: expectedVersion }),
  reopenDeal: (_root, { id, stageId, expectedVersion }, ctx) =>
    ctx.services.deals.reopen(requireTenant(ctx).tenantId, actorOf(ctx), id, stageId, { version: expectedVersion }),
  deleteDeal: async (_root, { id, expectedVersion }, ctx) =>
    (await ctx.services.deals.remove(requireTenant(ctx).tenantId, actorOf(ctx), id, { version: expectedVersion })).id,
};
