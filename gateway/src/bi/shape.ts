/**
 * Where a persisted query's rows are, and which columns they have, read from the query document
 * and the API schema before anything runs.
 *
 * The rows are the query's first list in selection order (depth first): a Relay connection
 * (`edges { node { … } }`, with `pageInfo { hasNextPage endCursor }` to follow cursors) or any
 * plain list field (including a connection's `nodes`). Columns are the leaf fields selected on an
 * item, nested objects flattened to dotted names (`account.name`), in selection order; a field
 * whose value is itself a list stays one column (its cells hold JSON).
 */
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from '../graphql.ts';

/** Where the rows of one page are in `data`. */
export interface ListLocation {
  /** Response keys from `data` to the object holding the list (empty: the list is a root field). */
  containerPath: string[];
  /** Response key of the list in the container. */
  listKey: string;
  /** For `edges`: the response key of `node` in each edge. */
  nodeKey: string | null;
  /** Response keys of `pageInfo`, `hasNextPage` and `endCursor` in the container, when all are selected. */
  pageInfo: { key: string; hasNextPage: string; endCursor: string } | null;
  /** Column names of a row, in order. */
  columns: string[];
  /** True for a list of scalars: each item is the row's only cell. */
  scalarItems: boolean;
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
}

const keyOf = (field: FieldNode) => field.alias?.value ?? field.name.value;

/** The fields of a selection set with fragments expanded, each with the type it is selected on. */
function fieldsOf(walk: Walk, selectionSet: SelectionSetNode, type: GraphQLCompositeType, seen = new Set<string>()): Array<{ node: FieldNode; parent: GraphQLCompositeType }> {
  const out: Array<{ node: FieldNode; parent: GraphQLCompositeType }> = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      out.push({ node: selection, parent: type });
      continue;
    }
    const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : walk.fragments.get(selection.name.value);
    if (!fragment) continue;
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      if (seen.has(selection.name.value)) continue;
      seen.add(selection.name.value);
    }
    const condition = fragment.typeCondition ? walk.schema.getType(fragment.typeCondition.name.value) : type;
    out.push(...fieldsOf(walk, fragment.selectionSet, condition && isCompositeType(condition) ? condition : type, seen));
  }
  return out;
}

function definitionOf(parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

function columnsOf(walk: Walk, selectionSet: SelectionSetNode, type: GraphQLCompositeType, prefix: string, into: string[]): void {
  for (const { node, parent } of fieldsOf(walk, selectionSet, type)) {
    const name = `${prefix}${keyOf(node)}`;
    const definition = node.name.value === '__typename' ? undefined : definitionOf(parent, node.name.value);
    const nullable = definition ? getNullableType(definition.type) : undefined;
    const named = nullable ? getNamedType(nullable) : undefined;
    if (node.selectionSet && named && isCompositeType(named) && !isListType(nullable)) {
      columnsOf(walk, node.selectionSet, named, `${name}.`, into);
    } else if (!into.includes(name)) {
      into.push(name);
    }
  }
}

function findList(walk: Walk, selectionSet: SelectionSetNode, type: GraphQLCompositeType, path: string[]): ListLocation | null {
  const fields = fieldsOf(walk, selectionSet, type);
  for (const { node, parent } of fields) {
    if (node.name.value === '__typename') continue;
    const definition = definitionOf(parent, node.name.value);
    if (!definition) continue;
    const nullable = getNullableType(definition.type);
    const named = getNamedType(nullable);
    if (isListType(nullable)) {
      const location = listAt(walk, fields, path, node, named);
      if (location) return location;
      continue;
    }
    if (node.selectionSet && isCompositeType(named)) {
      const found = findList(walk, node.selectionSet, named, [...path, keyOf(node)]);
      if (found) return found;
    }
  }
  return null;
}

/** The location of the list `node` (a field of the container at `path` whose siblings are `fields`). */
function listAt(walk: Walk, siblings: Array<{ node: FieldNode; parent: GraphQLCompositeType }>, path: string[], node: FieldNode, itemType: ReturnType<typeof getNamedType>): ListLocation | null {
  const pageInfo = pageInfoOf(walk, siblings);
  let nodeKey: string | null = null;
  let rowSelection = node.selectionSet;
  let rowType = itemType;
  if (node.name.value === 'edges' && node.selectionSet && isCompositeType(itemType)) {
    const edgeNode = fieldsOf(walk, node.selectionSet, itemType).find(({ node: field }) => field.name.value === 'node');
    const definition = edgeNode ? definitionOf(edgeNode.parent, 'node') : undefined;
    if (edgeNode && definition) {
      nodeKey = keyOf(edgeNode.node);
      rowSelection = edgeNode.node.selectionSet;
      rowType = getNamedType(definition.type);
    }
  }
  const columns: string[] = [];
  const scalarItems = !rowSelection || !isCompositeType(rowType);
  if (scalarItems) columns.push(nodeKey ?? keyOf(node));
  else columnsOf(walk, rowSelection!, rowType as GraphQLCompositeType, '', columns);
  if (columns.length === 0) return null;
  return { containerPath: path, listKey: keyOf(node), nodeKey, pageInfo, columns, scalarItems };
}

function pageInfoOf(walk: Walk, siblings: Array<{ node: FieldNode; parent: GraphQLCompositeType }>): ListLocation['pageInfo'] {
  const field = siblings.find(({ node }) => node.name.value === 'pageInfo' && node.selectionSet);
  if (!field?.node.selectionSet) return null;
  const definition = definitionOf(field.parent, 'pageInfo');
  const type = definition ? getNamedType(definition.type) : undefined;
  if (!type || !isCompositeType(type)) return null;
  const inner = fieldsOf(walk, field.node.selectionSet, type);
  const hasNextPage = inner.find(({ node }) => node.name.value === 'hasNextPage');
  const endCursor = inner.find(({ node }) => node.name.value === 'endCursor');
  if (!hasNextPage || !endCursor) return null;
  return { key: keyOf(field.node), hasNextPage: keyOf(hasNextPage.node), endCursor: keyOf(endCursor.node) };
}

export function operationOf(document: DocumentNode): OperationDefinitionNode | undefined {
  return document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
}

/** Whether the operation declares an `$after` variable, so cursors can be followed. */
export function declaresAfter(document: DocumentNode): boolean {
  return (operationOf(document)?.variableDefinitions ?? []).some((variable) => variable.variable.name.value === 'after');
}

/** The first list of the query and its columns, or null when it selects no list. */
export function locateList(schema: GraphQLSchema, document: DocumentNode): ListLocation | null {
  const operation = operationOf(document);
  const root = operation ? schema.getRootType(operation.operation) : undefined;
  if (!operation || !root) return null;
  const fragments = new Map(
    document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]),
  );
  return findList({ schema, fragments }, operation.selectionSet, root, []);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The rows of one page and the cursor of the next page (null when there is none). */
export function pageOf(location: ListLocation, data: unknown): { rows: unknown[]; next: string | null } {
  let container: unknown = data;
  for (const key of location.containerPath) container = isRecord(container) ? container[key] : null;
  if (!isRecord(container)) return { rows: [], next: null };
  const list = container[location.listKey];
  const items = Array.isArray(list) ? list : [];
  const rows = location.nodeKey ? items.map((edge) => (isRecord(edge) ? edge[location.nodeKey!] : null)) : items;
  const info = location.pageInfo ? container[location.pageInfo.key] : null;
  const more = isRecord(info) && info[location.pageInfo!.hasNextPage] === true;
  const cursor = isRecord(info) ? info[location.pageInfo!.endCursor] : null;
  return { rows, next: more && typeof cursor === 'string' && cursor !== '' ? cursor : null };
}
