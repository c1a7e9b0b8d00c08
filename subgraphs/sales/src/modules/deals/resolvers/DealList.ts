import type { DealConnectionResolvers, MutationResolvers, QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, amountOwners, dealGuard, dealScope, ownerOfNewDeal, requireTenant, type Context } from '../../../context.ts';
import { primeDeals } from '../../../loaders.ts';
import { missingReferences } from '../../../references.ts';
import type { BatchResult } from '@crm/runtime';
import type { DealModel } from '../../../__generated__/prisma/models.ts';
import { createDeals, updateDeals, upsertDeals, type DealBatchDeps } from '../services/deal-batch.ts';
import { groupDeals, listDeals } from '../services/deal-list.ts';

/** `Date` arrives as a checked `YYYY-MM-DD` string (see the scalar). */
const calendarDate = (value: unknown): string | null | undefined => (value === undefined ? undefined : (value as string | null));

function batchDeps(ctx: Context): DealBatchDeps {
  const { tenantId } = requireTenant(ctx);
  return {
    deals: ctx.services.deals,
    tenantId,
    actor: actorOf(ctx),
    access: {
      updateGuard: (ownerId) => dealGuard(ctx, 'update', ownerId === undefined ? {} : { ownerId }),
      ownerOfNew: (requested) => ownerOfNewDeal(ctx, requested),
      missingReferences: (references) => missingReferences(ctx, references),
    },
    onInternal: (error) => ctx.log.error({ err: error }, 'deal batch item failed'),
  };
}

const asResults = (results: BatchResult<DealModel>[]) =>
  results.map((result) => ({ index: result.index, outcome: result.outcome, deal: result.record, error: result.error }));

export const DealListQuery: Pick<QueryResolvers, 'dealsConnection' | 'dealsGroupBy'> = {
  dealsConnection: async (_root, args, ctx) => {
    const { db } = requireTenant(ctx);
    const page = await listDeals(db, args, dealScope(ctx), new Date(), amountOwners(ctx));
    primeDeals(
      ctx.loaders,
      page.edges.map((edge) => edge.node),
    );
    return page;
  },
  dealsGroupBy: (_root, { field, filter }, ctx) => groupDeals(requireTenant(ctx).db, field, filter, dealScope(ctx), new Date(), amountOwners(ctx)),
};

export const DealListMutation: Pick<MutationResolvers, 'createDeals' | 'updateDeals' | 'upsertDeals'> = {
  createDeals: async (_root, { inputs }, ctx) =>
    asResults(await createDeals(batchDeps(ctx), inputs.map((input) => ({ ...input, expectedCloseDate: calendarDate(input.expectedCloseDate) })))),
  updateDeals: async (_root, { inputs }, ctx) =>
    asResults(
      await updateDeals(
        batchDeps(ctx),
        inputs.map((item) => ({ id: item.id, expectedVersion: item.expectedVersion, input: { ...item.input, expectedCloseDate: calendarDate(item.input.expectedCloseDate) } })),
      ),
    ),
  upsertDeals: async (_root, { inputs }, ctx) =>
    asResults(await upsertDeals(batchDeps(ctx), inputs.map((input) => ({ ...input, expectedCloseDate: calendarDate(input.expectedCloseDate) })))),
};

export const DealConnection: DealConnectionResolvers = {
  nodes: (page) => page.edges.map((edge) => edge.node),
  /** Counted only when asked for. */
  totalCount: (page) => page.count(),
};
