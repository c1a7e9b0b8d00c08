/**
 * `DateTime`: an ISO-8601 instant. Output is always UTC with milliseconds
 * (`2026-11-26T10:38:00.000Z`); input must carry an explicit offset.
 */
import { GraphQLScalarType, Kind } from 'graphql';
import { badInput } from '@crm/runtime';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseInstant(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_INSTANT.test(value)) {
    throw badInput('DateTime must be an ISO-8601 string with offset, e.g. 2026-01-31T09:00:00Z');
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badInput(`Invalid DateTime: ${value}`);
  return date;
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An ISO-8601 instant, serialized in UTC.',
  serialize(value) {
    const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime())) throw new TypeError('DateTime cannot represent a non-date value');
    return date.toISOString();
  },
  parseValue: parseInstant,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw badInput('DateTime must be a string');
    return parseInstant(ast.value);
  },
});
