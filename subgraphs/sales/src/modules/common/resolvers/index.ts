import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { DateTimeScalar } from '@crm/runtime';
import { CalendarDate, Decimal } from './scalars.ts';

export const resolvers: Resolvers = { Date: CalendarDate, DateTime: DateTimeScalar, Decimal };
