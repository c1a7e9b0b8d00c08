import type { AccountConnectionResolvers } from '../../../__generated__/resolvers-types.ts';

export const AccountConnection: AccountConnectionResolvers = {
  nodes: (page) => page.edges.map((edge) => edge.node),
  /** Counted only when asked for. */
  totalCount: (page) => page.count(),
};
