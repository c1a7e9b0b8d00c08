import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { authorize } from '../../../context.ts';
import { actorOf } from '../../../lib/events.ts';
import { setDealMasking } from '../services/data-masking.ts';

export const dataMaskingResolvers: Resolvers = {
  Mutation: {
    /** Tenant settings are `tenant:update` (tenant admins). */
    setMaskDealAmountsOutsideTeam: async (_parent, { enabled }, ctx) => {
      const { tenantId } = authorize(ctx, 'tenant', 'update');
      const tenant = await setDealMasking({ prisma: ctx.prisma }, tenantId, enabled, actorOf(ctx.identity));
      ctx.log.info({ maskDealAmountsOutsideTeam: enabled }, 'tenant deal amount masking set');
      return tenant;
    },
  },
};
