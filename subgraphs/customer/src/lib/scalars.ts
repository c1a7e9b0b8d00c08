/** The customer subgraph's own scalar (`DateTime` is shared, in @crm/runtime). */
import { GraphQLScalarType, Kind } from 'graphql';
import { badInput } from '@crm/runtime';

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
