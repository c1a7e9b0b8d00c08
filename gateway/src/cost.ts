/**
 * Operation cost, the way the Federation demand-control spec (`@cost`, `@listSize`, cost/v0.1)
 * and Apollo Router count it:
 *
 * - a field returning an object, interface or union costs 1 (or its type's `@cost`), plus its
 *   selection; a scalar or enum field costs 0 (or its `@cost`); a field's own `@cost(weight)`
 *   replaces its type's;
 * - a list field multiplies its element cost by its size: the largest slicing argument of its
 *   `@listSize` (defaults of the schema included), else `@listSize(assumedSize)`, else a
 *   `first`/`last` argument, else `defaultListSize`; `@listSize(sizedFields)` passes the size
 *   to those child fields (connections);
 * - a mutation adds `mutationBase`; fragments count where they are spread.
 *
 * The actual cost of a response counts its objects the same way (list items each count).
 */
import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  parse,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from './graphql.ts';

export interface ListSize {
  assumedSize?: number;
  slicingArguments?: string[];
  sizedFields?: string[];
}

/** Cost directives read from the supergraph: `Type.field` and `Type` keys. */
export interface CostModel {
  fieldWeights: Map<string, number>;
  typeWeights: Map<string, number>;
  listSizes: Map<string, ListSize>;
}

export interface CostOptions {
  /** Size assumed for a list without `@listSize` or a slicing argument. Default 10. */
  defaultListSize?: number;
  /** Added to every mutation. Default 10. */
  mutationBase?: number;
}

const isDirective = (name: string, wanted: string) => name === wanted || name.endsWith(`__${wanted}`);

/** Reads `@cost` and `@listSize` (under any import name) from a supergraph SDL. */
export function costModelFromSupergraph(supergraphSdl: string): CostModel {
  const model: CostModel = { fieldWeights: new Map(), typeWeights: new Map(), listSizes: new Map() };
  const document = parse(supergraphSdl);
  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name || !('directives' in definition)) continue;
    const typeName = definition.name.value;
    for (const directive of definition.directives ?? []) {
      if (!isDirective(directive.name.value, 'cost')) continue;
      const weight = directive.arguments?.find((a) => a.name.value === 'weight');
      if (weight) model.typeWeights.set(typeName, Number(valueFromASTUntyped(weight.value)));
    }
    if (!('fields' in definition)) continue;
    for (const field of definition.fields ?? []) {
      const key = `${typeName}.${field.name.value}`;
      for (const directive of field.directives ?? []) {
        const args = Object.fromEntries((directive.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
        if (isDirective(directive.name.value, 'cost') && typeof args.weight === 'number') model.fieldWeights.set(key, args.weight);
        if (isDirective(directive.name.value, 'listSize')) {
          model.listSizes.set(key, {
            ...(typeof args.assumedSize === 'number' ? { assumedSize: args.assumedSize } : {}),
            ...(Array.isArray(args.slicingArguments) ? { slicingArguments: args.slicingArguments as string[] } : {}),
            ...(Array.isArray(args.sizedFields) ? { sizedFields: args.sizedFields as string[] } : {}),
          });
        }
      }
    }
  }
  return model;
}

/** The operation a request runs: the named one, or the only one. */
export function operationOf(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
}

/** Estimated cost of one operation of `document` against the API schema. */
export function estimateCost(
  schema: GraphQLSchema,
  model: CostModel,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
  options: CostOptions = {},
): number {
  const defaultListSize = options.defaultListSize ?? 10;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  // a fragment's cost does not depend on where it is spread (unless sized from outside): computed once
  const fragmentCosts = new Map<string, number>();

  const listSizeOf = (parent: string, field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): number => {
    const directive = model.listSizes.get(`${parent}.${field.name}`);
    const slicing = (directive?.slicingArguments ?? (directive ? [] : ['first', 'last'])).map((name) => args[name]).filter((v): v is number => typeof v === 'number');
    if (slicing.length) return Math.max(0, ...slicing);
    return directive?.assumedSize ?? defaultListSize;
  };

  const selectionCost = (selectionSet: SelectionSetNode, type: GraphQLNamedType, sized: ReadonlyMap<string, number>, depth: number): number => {
    if (depth > 64) return 0; // cycles and absurd depth are refused by validation before this runs
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        if (on) total += selectionCost(selection.selectionSet, on, sized, depth + 1);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        const on = fragment && schema.getType(fragment.typeCondition.name.value);
        if (!fragment || !on) continue;
        if (sized.size) {
          total += selectionCost(fragment.selectionSet, on, sized, depth + 1);
          continue;
        }
        let fragmentCost = fragmentCosts.get(fragment.name.value);
        if (fragmentCost === undefined) {
          fragmentCost = selectionCost(fragment.selectionSet, on, sized, depth + 1);
          fragmentCosts.set(fragment.name.value, fragmentCost);
        }
        total += fragmentCost;
      } else {
        if (selection.name.value.startsWith('__')) continue;
        if (!isObjectType(type) && !isInterfaceType(type)) continue;
        const field = type.getFields()[selection.name.value];
        if (!field) continue;
        const named = getNamedType(field.type);
        const key = `${type.name}.${field.name}`;
        const weight = model.fieldWeights.get(key) ?? model.typeWeights.get(named.name) ?? (isCompositeType(named) ? 1 : 0);
        const args = argumentsOf(field, selection, variables);
        const directive = model.listSizes.get(key);
        const childSized = new Map<string, number>();
        if (directive?.sizedFields?.length) {
          const size = listSizeOf(type.name, field, args);
          for (const name of directive.sizedFields) childSized.set(name, size);
        }
        const child = selection.selectionSet ? selectionCost(selection.selectionSet, named, childSized, depth + 1) : 0;
        const element = weight + child;
        const isList = isListType(getNullableType(field.type));
        const multiplier = sized.get(field.name) ?? (isList && !directive?.sizedFields?.length ? listSizeOf(type.name, field, args) : 1);
        total += multiplier * element;
      }
    }
    return total;
  };

  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const base = operation.operation === 'mutation' ? (options.mutationBase ?? 10) : 0;
  return base + selectionCost(operation.selectionSet, root, new Map(), 0);
}

/** A field's argument values; empty when they are invalid (execution reports that, not the estimate). */
function argumentsOf(field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Record<string, unknown>): Record<string, unknown> {
  try {
    return getArgumentValues(field, node, variables);
  } catch {
    return {};
  }
}

/** Costs of answers already counted: an answer served again from the response cache is not walked again. */
const counted = new WeakMap<object, number>();

/** Actual cost of a response: one per object below `data` (list items each count). Answers are not changed once sent. */
export function actualCost(data: unknown): number {
  if (data === null || typeof data !== 'object') return 0;
  const known = counted.get(data);
  if (known !== undefined) return known;
  let total = 0;
  const walk = (value: unknown) => {
    if (Array.isArray(value)) for (const item of value) walk(item);
    else if (value !== null && typeof value === 'object') {
      total += 1;
      for (const child of Object.values(value)) walk(child);
    }
  };
  for (const child of Object.values(data)) walk(child);
  counted.set(data, total);
  return total;
}
