import type { TenantResolvers } from '../../../__generated__/resolvers-types.ts';
import { limitsOf } from '../lib/plans.ts';

export const Tenant: TenantResolvers = {
  /** Only the caller's own tenant resolves; any other id is null. */
  __resolveReference: (reference, ctx) => ctx.loaders.tenant.load(reference.id),
  planLimits: (tenant) => limitsOf(tenant.plan),
};
