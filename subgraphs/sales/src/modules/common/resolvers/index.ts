import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { CalendarDate, DateTime, Decimal } from './scalars.ts';

export const resolvers: Resolvers = { Date: CalendarDate, DateTime, Decimal };
