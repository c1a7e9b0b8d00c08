/**
 * `DateTime`, shared by every subgraph so the supergraph's one scalar reads the same everywhere:
 * input is an ISO-8601 instant with an explicit offset (`2026-01-31T09:00:00Z`,
 * `2026-01-31T10:00:00+01:00`) or a calendar date (`2026-01-31`, midnight UTC); a local time
 * without offset is refused, as it would mean a different instant on every server. Output is
 * always UTC with milliseconds (`2026-11-26T10:38:00.000Z`).
 */
import { GraphQLScalarType, Kind } from 'graphql';
import { badInput } from './errors.ts';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const EXPECTED = 'DateTime must be an ISO-8601 date-time with offset (2026-01-31T09:00:00Z) or a date (2026-01-31)';

function parseInstant(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value)) throw badInput(EXPECTED);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badInput(`Invalid DateTime: ${value.slice(0, 40)}`);
  return date;
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An ISO-8601 date-time with offset (or a date, meaning midnight UTC); always serialized in UTC.',
  serialize(value) {
    const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime())) throw new TypeError('DateTime cannot represent a non-date value');
    return date.toISOString();
  },
  parseValue: parseInstant,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw badInput(EXPECTED);
    return parseInstant(ast.value);
  },
});
