import type { Resolvers } from '../../__generated__/resolvers-types.ts';
import { CustomFieldScalar } from '../../lib/scalars.ts';
import { CustomFieldValue } from './resolvers/CustomFieldValue.ts';
import { Mutation } from './resolvers/Mutation.ts';
import { Query } from './resolvers/Query.ts';

export const resolvers: Resolvers = { Query, Mutation, CustomFieldValue, CustomFieldScalar };
