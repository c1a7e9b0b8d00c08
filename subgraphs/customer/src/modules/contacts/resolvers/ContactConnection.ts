import type { ContactConnectionResolvers } from '../../../__generated__/resolvers-types.ts';

export const ContactConnection: ContactConnectionResolvers = {
  nodes: (page) => page.edges.map((edge) => edge.node),
  /** Counted only when asked for. */
  totalCount: (page) => page.count(),
};
