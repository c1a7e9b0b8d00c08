import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, requireTenant } from '../../../context.ts';

export const Mutation: MutationResolvers = {
  createProduct: (_root, { input }, ctx) => ctx.services.products.create(requireTenant(ctx).tenantId, actorOf(ctx), input),
  updateProduct: (_root, { id, input }, ctx) => ctx.services.products.update(requireTenant(ctx).tenantId, actorOf(ctx), id, input),
  archiveProduct: (_root, { id }, ctx) => ctx.services.products.archive(requireTenant(ctx).tenantId, actorOf(ctx), id),
};
