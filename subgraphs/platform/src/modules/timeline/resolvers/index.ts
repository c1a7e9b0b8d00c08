import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant, type Context } from '../../../context.ts';
import { connectionOf } from '../../../lib/connection.ts';
import { entryKind } from '../lib/entry-kind.ts';

type TimelineArgs = { first?: number | null; after?: string | null };

/** The timeline field of every record type: reached only once the record's own subgraph resolved it (`@requires`). */
async function timeline(recordId: string, args: TimelineArgs, ctx: Context) {
  const { db } = requireTenant(ctx);
  return connectionOf(await ctx.services.timeline.page(db, recordId, args));
}

export const timelineResolvers: Resolvers = {
  TimelineEntry: {
    kind: (entry) => entryKind(entry.action),
    actor: (entry, _args, ctx) => (entry.actorId ? ctx.loaders.user.load(entry.actorId) : null),
    activity: (entry) => (entry.recordType === 'activity' ? { __typename: 'Activity', id: entry.recordId } : null),
  },
  Deal: { __resolveReference: (reference) => reference, timeline: (deal, args, ctx) => timeline(deal.id, args, ctx) },
  Contact: { __resolveReference: (reference) => reference, timeline: (contact, args, ctx) => timeline(contact.id, args, ctx) },
  Account: { __resolveReference: (reference) => reference, timeline: (account, args, ctx) => timeline(account.id, args, ctx) },
  Lead: { __resolveReference: (reference) => reference, timeline: (lead, args, ctx) => timeline(lead.id, args, ctx) },
};
