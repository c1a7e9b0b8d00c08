import type { Resolvers } from '../../__generated__/resolvers-types.ts';
import { DateTimeScalar } from '@crm/runtime';

export const resolvers: Resolvers = { DateTime: DateTimeScalar };
