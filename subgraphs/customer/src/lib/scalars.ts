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

function parseFieldValue(value: unknown): string | number | boolean {
  if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
  throw badInput('CustomFieldScalar must be a string, number or boolean');
}

/** `CustomFieldScalar`: a string, number or boolean compared with a custom field's value. */
export const CustomFieldScalar = new GraphQLScalarType<string | number | boolean, string | number | boolean>({
  name: 'CustomFieldScalar',
  description: 'A string, number or boolean, read as the type of the custom field it is compared with.',
  serialize: parseFieldValue,
  parseValue: parseFieldValue,
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING) return ast.value;
    if (ast.kind === Kind.BOOLEAN) return ast.value;
    if (ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return Number(ast.value);
    throw badInput('CustomFieldScalar must be a string, number or boolean');
  },
});
