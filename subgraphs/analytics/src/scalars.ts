/**
 * The analytics subgraph's scalar (`DateTime` is shared, in @crm/runtime): `Decimal` is a money
 * string in the currency's minor-unit digits (never a float).
 */
import { GraphQLScalarType, Kind } from 'graphql';
import { badInput } from '@crm/runtime';

const DECIMAL = /^-?\d+(\.\d+)?$/;

function parseDecimal(value: unknown): string {
  if (typeof value !== 'string' || !DECIMAL.test(value)) throw badInput('Decimal must be a string such as "1234.50"');
  return value;
}

export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  serialize: parseDecimal,
  parseValue: parseDecimal,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw badInput('Decimal must be a string such as "1234.50"');
    return parseDecimal(ast.value);
  },
});
