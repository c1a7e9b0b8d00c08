import type { Resolvers } from '../../__generated__/resolvers-types.ts';
import { Query } from './resolvers/Query.ts';
import { SearchRecord } from './resolvers/SearchRecord.ts';

export const resolvers: Resolvers = { Query, SearchRecord };
