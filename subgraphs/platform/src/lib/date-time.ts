/** `DateTime` scalar: ISO-8601 strings on the wire, `Date` inside. */
import { GraphQLScalarType, Kind } from 'graphql';
import { badInput } from '@crm/runtime';

function parse(value: unknown): Date {
  if (typeof value !== 'string') throw badInput('DateTime must be an ISO-8601 string');
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw badInput(`"${value.slice(0, 40)}" is not an ISO-8601 date-time`);
  }
  return date;
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An ISO-8601 date-time string with offset, e.g. `2026-11-26T10:38:00.000Z`.',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new TypeError('DateTime cannot represent an invalid date');
    return date.toISOString();
  },
  parseValue: parse,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw badInput('DateTime must be an ISO-8601 string');
    return parse(ast.value);
  },
});
