/**
 * Reading a validated subscription document that must subscribe to one given root field: its
 * operation, coerced variables and root field, and the fields of the root that can be delivered
 * live. Shared by the subscriptions whose events carry their payload (notifications, imports).
 */
import type { FieldNode, FragmentDefinitionNode } from 'graphql';
import { badInput } from '../errors.ts';
import { getOperationAST, getVariableValues, print, type DocumentNode, type GraphQLError, type GraphQLSchema } from '../graphql.ts';
import { collectFields, fragmentsOf } from './board-subscription.ts';

export interface SubscriptionRoot {
  root: FieldNode;
  fragments: Map<string, FragmentDefinitionNode>;
  /** The variables as sent (the document runs again per event with these). */
  variableValues: Record<string, unknown>;
  /** The variables coerced to their types. */
  coerced: Record<string, unknown>;
  /** Identical subscriptions share this key (one event is rendered once for all of them). */
  key: string;
}

export function readSubscriptionRoot(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
  field: string,
): SubscriptionRoot | readonly GraphQLError[] {
  const operation = getOperationAST(document, operationName);
  if (!operation || operation.operation !== 'subscription') return [badInput('Expected a subscription operation')];
  const variableValues = rawVariables ?? {};
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variableValues, { maxErrors: 10 });
  if (coerced.errors) return coerced.errors.map((error) => badInput(error.message));
  const fragments = fragmentsOf(document);
  const root = collectFields(operation.selectionSet, fragments)[0];
  if (!root || root.name.value !== field || !schema.getSubscriptionType()?.getFields()[field]) return [badInput(`Expected the ${field} subscription`)];
  return { root, fragments, variableValues, coerced: coerced.coerced, key: JSON.stringify([print(document), operationName ?? null, variableValues]) };
}

/** The first field selected under the root that events cannot fill, if any. */
export function undeliverableField({ root, fragments }: SubscriptionRoot, deliverable: ReadonlySet<string>): FieldNode | undefined {
  return root.selectionSet ? collectFields(root.selectionSet, fragments).find((field) => !deliverable.has(field.name.value)) : undefined;
}
