/**
 * The sales subgraph's scalars.
 *
 * `DateTime` is shared by every subgraph (@crm/runtime). `Decimal` is money as an exact decimal string; in variables it
 * must be a JSON string (a JSON number has already lost precision), in query literals any number
 * or string is taken by its exact text. Whether a Decimal suits its currency is checked by the
 * service that receives it, which names the field.
 */
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const invalid = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

export const Decimal = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  serialize(value) {
    if (typeof value === 'string') return value;
    if (typeof value === 'bigint') return value.toString();
    throw new TypeError('Decimal cannot represent a non-string value');
  },
  parseValue(value) {
    if (typeof value !== 'string') throw invalid('Decimal must be a string such as "1250.50"');
    return value;
  },
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return ast.value;
    throw invalid('Decimal must be a string such as "1250.50"');
  },
});

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function toCalendarDate(value: string): string {
  const date = new Date(`${value}T00:00:00.000Z`);
  if (!DATE.test(value) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw invalid('Date must be a calendar date such as "2026-12-31"');
  }
  return value;
}

/** A calendar date without time or zone, `YYYY-MM-DD`. Services receive the checked string. */
export const CalendarDate = new GraphQLScalarType<string, string>({
  name: 'Date',
  serialize(value) {
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    if (typeof value === 'string') return toCalendarDate(value);
    throw new TypeError('Date cannot represent a non-date value');
  },
  parseValue(value) {
    if (typeof value !== 'string') throw invalid('Date must be a calendar date such as "2026-12-31"');
    return toCalendarDate(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw invalid('Date must be a calendar date such as "2026-12-31"');
    return toCalendarDate(ast.value);
  },
});
