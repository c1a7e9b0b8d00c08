import type { Resolvers } from '../../__generated__/resolvers-types.ts';
import { DateTimeScalar } from '../../lib/scalars.ts';

export const resolvers: Resolvers = { DateTime: DateTimeScalar };
