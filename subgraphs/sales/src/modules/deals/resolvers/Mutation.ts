import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, requireTenant } from '../../../context.ts';

export const Mutation: MutationResolvers = {
  createDeal: (_root, { input }, ctx) => ctx.services.deals.create(requireTenant(ctx).tenantId, actorOf(ctx), input),
  updateDeal: (_root, { id, input }, ctx) => ctx.services.deals.update(requireTenant(ctx).tenantId, actorOf(ctx), id, input),
  moveDeal: (_root, { id, stageId }, ctx) => ctx.services.deals.move(requireTenant(ctx).tenantId, actorOf(ctx), id, stageId),
};
