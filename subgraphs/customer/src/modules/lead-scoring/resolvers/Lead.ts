import DataLoader from 'dataloader';
import type { LeadResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant, type Context } from '../../../context.ts';
import type { LeadScoreBreakdown } from '../services/lead-scoring.ts';

/** One breakdown query per list of leads, per request (keyed by the request's loaders). */
const loaders = new WeakMap<Context['loaders'], DataLoader<string, LeadScoreBreakdown | null>>();

function breakdownLoader(context: Context): DataLoader<string, LeadScoreBreakdown | null> {
  let loader = loaders.get(context.loaders);
  if (!loader) {
    const { db } = requireTenant(context);
    loader = new DataLoader((ids: readonly string[]) => context.services.leadScoring.breakdowns(db, ids));
    loaders.set(context.loaders, loader);
  }
  return loader;
}

export const Lead: LeadResolvers = {
  /** The stored breakdown (a lead no rule has scored yet has no items). */
  scoreBreakdown: async (lead, _args, context) =>
    (await breakdownLoader(context).load(lead.id)) ?? { score: lead.score, items: [], computedAt: null },
};
