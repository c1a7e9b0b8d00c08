import type { LeadConnectionResolvers } from '../../../__generated__/resolvers-types.ts';

export const LeadConnection: LeadConnectionResolvers = {
  nodes: (page) => page.edges.map((edge) => edge.node),
  /** Counted only when asked for. */
  totalCount: (page) => page.count(),
};
