import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { DateTime, Decimal } from './scalars.ts';

export const resolvers: Resolvers = { DateTime, Decimal };
