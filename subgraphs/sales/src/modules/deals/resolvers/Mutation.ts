import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, dealGuard, ownerOfNewDeal, requireTenant } from '../../../context.ts';
import { checkReferences, type Reference } from '../../../references.ts';
import type { CreateDealInput, UpdateDealInput } from '../services/deals.ts';

/** The account and owner a write sets: they must be the tenant's. */
const dealReferences = (input: { accountId?: string | null; ownerId?: string | null }): Reference[] => [
  { type: 'ACCOUNT', id: input.accountId, field: 'accountId' },
  { type: 'USER', id: input.ownerId, field: 'ownerId' },
];

/** `Date` arrives as a checked `YYYY-MM-DD` string (see the scalar); the services take it as such. */
const calendarDate = (value: unknown): string | null | undefined => (value === undefined ? undefined : (value as string | null));

export const Mutation: MutationResolvers = {
  createDeal: async (_root, { input }, ctx) => {
    const { tenantId } = requireTenant(ctx);
    const deal: CreateDealInput = { ...input, ownerId: ownerOfNewDeal(ctx, input.ownerId), expectedCloseDate: calendarDate(input.expectedCloseDate) };
    await checkReferences(ctx, dealReferences(input));
    return ctx.services.deals.create(tenantId, actorOf(ctx), deal);
  },
  updateDeal: async (_root, { id, input, expectedVersion }, ctx) => {
    const guard = dealGuard(ctx, 'update', { ownerId: input.ownerId });
    await checkReferences(ctx, dealReferences(input));
    const changes: UpdateDealInput = { ...input, expectedCloseDate: calendarDate(input.expectedCloseDate) };
    return ctx.services.deals.update(requireTenant(ctx).tenantId, actorOf(ctx), id, changes, { version: expectedVersion }, guard);
  },
  moveDeal: async (_root, { id, stageId, expectedStageId, expectedVersion }, ctx) => {
    return ctx.services.deals.move(requireTenant(ctx).tenantId, actorOf(ctx), id, stageId, { version: expectedVersion, stageId: expectedStageId }, dealGuard(ctx, 'update'));
  },
  markDealWon: async (_root, { id, reason, expectedVersion }, ctx) => {
    return ctx.services.deals.close(requireTenant(ctx).tenantId, actorOf(ctx), id, 'WON', reason, { version: expectedVersion }, dealGuard(ctx, 'update'));
  },
  markDealLost: async (_root, { id, reason, expectedVersion }, ctx) => {
    return ctx.services.deals.close(requireTenant(ctx).tenantId, actorOf(ctx), id, 'LOST', reason, { version: expectedVersion }, dealGuard(ctx, 'update'));
  },
  reopenDeal: async (_root, { id, stageId, expectedVersion }, ctx) => {
    return ctx.services.deals.reopen(requireTenant(ctx).tenantId, actorOf(ctx), id, stageId, { version: expectedVersion }, dealGuard(ctx, 'update'));
  },
  deleteDeal: async (_root, { id, expectedVersion }, ctx) => {
    return (await ctx.services.deals.remove(requireTenant(ctx).tenantId, actorOf(ctx), id, { version: expectedVersion }, dealGuard(ctx, 'delete'))).id;
  },
};
