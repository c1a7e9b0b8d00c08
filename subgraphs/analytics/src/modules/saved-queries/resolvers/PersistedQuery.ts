import type { PersistedQueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { declaresAfter } from '../lib/document.ts';

export const PersistedQuery: PersistedQueryResolvers = {
  paginates: (row) => declaresAfter(row.document),
};
