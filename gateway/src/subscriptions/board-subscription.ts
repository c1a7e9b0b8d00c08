/**
 * One `pipelineBoard` subscription: what the subscriber asked for, and how each board change
 * becomes the message they receive.
 *
 * The `deal` part of the selection is fetched through the federated query path, as the subscriber
 * (`query($id: ID!) { deal(id: $id) { <their selection> } }`), so the same authorization and
 * cross-subgraph joins apply as for any query. The whole subscription selection is then executed
 * over the change itself, so aliases, fragments, `@skip`/`@include` and `__typename` behave exactly
 * as in any GraphQL response.
 */
import {
  execute,
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  type GraphQLError,
  Kind,
  print,
  visit,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFieldResolver,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from '../graphql.ts';
import { badInput, fromFormatted } from '../errors.ts';
import type { BoardChange } from './board-event.ts';

export const BOARD_FIELD = 'pipelineBoard';
/** Variable carrying the deal id in the generated deal query. */
export const DEAL_ID_VARIABLE = '__boardDealId';
/**
 * Response key of the access probe in the generated deal query: `deal(id) { id }` as the
 * subscriber. A change is delivered only when the probe resolves, i.e. the subscriber may read the deal.
 */
export const ACCESS_PROBE = '_boardAccess';

export interface FederatedRequest {
  query: string;
  variables: Record<string, unknown>;
}

export interface FederatedResult {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
}

export interface BoardSubscriptionPlan {
  document: DocumentNode;
  operationName: string | undefined;
  variableValues: Record<string, unknown>;
  pipelineId: string;
  /**
   * Fetches the access probe and every `deal` selection of the subscriber for one deal (the
   * `${DEAL_ID_VARIABLE}` variable is set per change).
   */
  dealQuery: FederatedRequest;
  /** Same key, same messages: the printed document, operation name and variables. */
  key: string;
}

/** Reads a validated subscription document; errors when it is not a `pipelineBoard` subscription. */
export function planBoardSubscription(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
): BoardSubscriptionPlan | readonly GraphQLError[] {
  const operation = getOperationAST(document, operationName);
  if (!operation || operation.operation !== 'subscription') return [badInput('Expected a subscription operation')];
  const fragments = fragmentsOf(document);
  const variableValues = rawVariables ?? {};
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variableValues, { maxErrors: 10 });
  if (coerced.errors) return coerced.errors.map((error) => badInput(error.message));

  const rootFields = collectFields(operation.selectionSet, fragments);
  const root = rootFields[0];
  const fieldDef = schema.getSubscriptionType()?.getFields()[BOARD_FIELD];
  if (!root || root.name.value !== BOARD_FIELD || !fieldDef) {
    return [badInput(`Only the ${BOARD_FIELD} subscription is available`)];
  }
  const args = getArgumentValues(fieldDef, root, coerced.coerced);
  const pipelineId = args['pipelineId'];
  if (typeof pipelineId !== 'string' || pipelineId === '') return [badInput('pipelineId is required', 'pipelineId')];

  const dealFields = new Map<string, FieldNode[]>();
  for (const field of rootFields) {
    if (!field.selectionSet) continue;
    for (const inner of collectFields(field.selectionSet, fragments)) {
      if (inner.name.value !== 'deal') continue;
      const key = inner.alias?.value ?? inner.name.value;
      dealFields.set(key, [...(dealFields.get(key) ?? []), inner]);
    }
  }
  return {
    document,
    operationName,
    variableValues,
    pipelineId,
    dealQuery: buildDealQuery(operation, fragments, dealFields, variableValues),
    key: JSON.stringify([print(document), operationName ?? null, variableValues]),
  };
}

const BOARD = Symbol('board');
const DEALS = Symbol('deals');

interface BoardSource {
  [BOARD]: true;
  [DEALS]?: FederatedResult | null;
  [field: string]: unknown;
}

const isBoardSource = (value: unknown): value is BoardSource => typeof value === 'object' && value !== null && BOARD in value;

/**
 * Reads the change by field name, the federated deal data by response key (it was fetched with
 * the subscriber's own aliases).
 */
const boardFieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, _args, _context, info) => {
  if (isBoardSource(source)) {
    if (info.parentType.name === 'PipelineBoardEvent' && info.fieldName === 'deal') return dealOf(source[DEALS], String(info.path.key));
    return source[info.fieldName];
  }
  return typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[String(info.path.key)] : undefined;
};

function dealOf(result: FederatedResult | null | undefined, key: string): unknown {
  if (!result) return null;
  const value = result.data?.[key];
  const error = result.errors?.[0];
  if ((value === null || value === undefined) && error) {
    throw fromFormatted(error);
  }
  return value ?? null;
}

/** The message one subscriber receives for one change, given its deal data (null when the deal is gone). */
export async function renderBoardEvent(
  schema: GraphQLSchema,
  plan: BoardSubscriptionPlan,
  change: BoardChange,
  deals: FederatedResult | null,
): Promise<ExecutionResult> {
  const board: BoardSource = {
    [BOARD]: true,
    [DEALS]: deals,
    type: change.type,
    sequence: change.sequence,
    pipelineId: change.pipelineId,
    dealId: change.dealId,
    fromStageId: change.fromStageId,
    toStageId: change.toStageId,
    occurredAt: change.occurredAt,
  };
  const rootValue: BoardSource = { [BOARD]: true, [BOARD_FIELD]: board };
  return execute({
    schema,
    document: plan.document,
    operationName: plan.operationName,
    variableValues: plan.variableValues,
    rootValue,
    fieldResolver: boardFieldResolver,
  });
}

export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

/** The fields of a selection set with fragments expanded (the types involved are concrete). */
export function collectFields(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) fields.push(...collectFields(selection.selectionSet, fragments, seen));
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) fields.push(...collectFields(fragment.selectionSet, fragments, seen));
    }
  }
  return fields;
}

const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };

/** Adds `__typename` to every selection set so abstract types resolve when the selection is replayed. */
function withTypenames<T extends SelectionSetNode | FragmentDefinitionNode>(node: T): T {
  return visit(node, {
    SelectionSet: {
      leave(set: SelectionSetNode) {
        const has = set.selections.some((s) => s.kind === Kind.FIELD && !s.alias && s.name.value === '__typename');
        return has ? set : { ...set, selections: [...set.selections, TYPENAME] };
      },
    },
  });
}

function buildDealQuery(
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
  dealFields: Map<string, FieldNode[]>,
  variableValues: Record<string, unknown>,
): FederatedRequest {
  const dealId = { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: DEAL_ID_VARIABLE } } as const;
  const probe: FieldNode = {
    kind: Kind.FIELD,
    alias: { kind: Kind.NAME, value: ACCESS_PROBE },
    name: { kind: Kind.NAME, value: 'deal' },
    arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'id' }, value: dealId }],
    selectionSet: { kind: Kind.SELECTION_SET, selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: 'id' } }] },
  };
  const selected: FieldNode[] = [...dealFields].map(([key, nodes]) => {
    const merged: SelectionNode[] = nodes.flatMap((node) => node.selectionSet?.selections ?? []);
    return {
      kind: Kind.FIELD,
      alias: { kind: Kind.NAME, value: key },
      name: { kind: Kind.NAME, value: 'deal' },
      arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'id' }, value: dealId }],
      directives: nodes.length === 1 ? nodes[0]!.directives : [],
      selectionSet: withTypenames<SelectionSetNode>({ kind: Kind.SELECTION_SET, selections: merged }),
    };
  });
  const selections = [probe, ...selected];

  const usedFragments = new Map<string, FragmentDefinitionNode>();
  const usedVariables = new Set<string>();
  const scan = (node: FieldNode | FragmentDefinitionNode) =>
    visit(node, {
      Variable(variable) {
        usedVariables.add(variable.name.value);
      },
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = fragments.get(name);
        if (fragment && !usedFragments.has(name)) {
          usedFragments.set(name, fragment);
          scan(fragment);
        }
      },
    });
  for (const field of selections) scan(field);
  usedVariables.delete(DEAL_ID_VARIABLE);

  const dealIdDefinition: VariableDefinitionNode = {
    kind: Kind.VARIABLE_DEFINITION,
    variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: DEAL_ID_VARIABLE } },
    type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'ID' } } },
  };
  const variableDefinitions = (operation.variableDefinitions ?? []).filter((d) => usedVariables.has(d.variable.name.value));
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: 'query' as OperationDefinitionNode['operation'],
        name: { kind: Kind.NAME, value: 'PipelineBoardDeal' },
        variableDefinitions: [dealIdDefinition, ...variableDefinitions],
        selectionSet: { kind: Kind.SELECTION_SET, selections },
      },
      ...[...usedFragments.values()].map((fragment) => withTypenames(fragment)),
    ],
  };
  const variables: Record<string, unknown> = {};
  for (const name of usedVariables) if (Object.hasOwn(variableValues, name)) variables[name] = variableValues[name];
  return { query: print(document), variables };
}
