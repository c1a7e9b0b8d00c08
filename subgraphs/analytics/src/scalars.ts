/**
 * Scalars shared across the supergraph: `DateTime` is an ISO-8601 string, `Decimal` a money
 * string in the currency's minor-unit digits (never a float).
 */
import { GraphQLScalarType, Kind } from 'graphql';
import { badInput } from '@crm/runtime';

const DECIMAL = /^-?\d+(\.\d+)?$/;

function parseDateTime(value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) throw badInput('DateTime must be an ISO-8601 string');
  return date;
}

function parseDecimal(value: unknown): string {
  if (typeof value !== 'string' || !DECIMAL.test(value)) throw badInput('Decimal must be a string such as "1234.50"');
  return value;
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize(value) {
    const date = value instanceof Date ? value : parseDateTime(value);
    return date.toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw badInput('DateTime must be an ISO-8601 string');
    return parseDateTime(ast.value);
  },
});

export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  serialize: parseDecimal,
  parseValue: parseDecimal,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw badInput('Decimal must be a string such as "1234.50"');
    return parseDecimal(ast.value);
  },
});
