/**
 * Which operations the response cache may answer: only those whose every value is dropped by an
 * event or a mutation when it changes.
 *
 * - Queries only (never mutations or subscriptions), whose root fields are all in `rootFields`
 *   (default: the pipeline board's reads `deals(pipelineId)`, `pipeline(id)` and `pipelines`).
 * - No field of `uncacheableFields` anywhere in the document: values that change with time alone
 *   (`Deal.isStale`, `Deal.warnings`, `Activity.isOverdue`) or that are written after the event
 *   that would drop them (`*.timeline`, read from the platform's audit trail, which is built from
 *   those events).
 * - Pipeline scope: when every root field names its pipeline (`deals(pipelineId)`, `pipeline(id)`),
 *   and deals, stages and pipelines are reached only from that pipeline (through `Pipeline`,
 *   `Deal`, `Stage` and `DealStageChange`, not e.g. `Account.deals`), the answer is scoped to those
 *   pipelines and a sales event of another pipeline leaves it alone.
 *
 * Which subgraphs an answer came from is known only once it is planned; the plugin checks that
 * part (`useResponseCache`).
 */
import {
  getNamedType,
  Kind,
  TypeInfo,
  valueFromASTUntyped,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from '../graphql.ts';

export interface CachePolicyOptions {
  /**
   * Root `Query` fields an answer may come from, each with the name of its argument holding a
   * pipeline id (or null: the field is not about one pipeline). Default `CACHEABLE_ROOT_FIELDS`.
   */
  rootFields?: Readonly<Record<string, string | null>>;
  /** Fields that make an operation uncacheable, as `Type.field` or `*.field`. Default `UNCACHEABLE_FIELDS`. */
  uncacheableFields?: readonly string[];
}

export const CACHEABLE_ROOT_FIELDS: Readonly<Record<string, string | null>> = { deals: 'pipelineId', pipeline: 'id', pipelines: null };
export const UNCACHEABLE_FIELDS: readonly string[] = ['*.timeline', 'Deal.isStale', 'Deal.warnings', 'Activity.isOverdue'];

/** Types whose records belong to one pipeline, and the types that reach them without leaving it. */
const PIPELINE_BOUND = new Set(['Pipeline', 'Deal', 'Stage', 'DealStageChange']);
const WITHIN_PIPELINE = new Set(['Query', ...PIPELINE_BOUND]);

export type CacheDecision =
  | { cacheable: false; reason: string }
  | {
      cacheable: true;
      /** The argument naming the pipeline of each root field; null when some root field is not about one pipeline. */
      pipelineArguments: readonly ArgumentNode[] | null;
    };

export interface CachePolicy {
  decide(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): CacheDecision;
  /** The pipelines an answer is scoped to, from the decision's arguments and the request's variables. */
  pipelinesOf(decision: CacheDecision & { cacheable: true }, variables: Record<string, unknown> | undefined): ReadonlySet<string> | null;
}

export function createCachePolicy(options: CachePolicyOptions = {}): CachePolicy {
  const rootFields = options.rootFields ?? CACHEABLE_ROOT_FIELDS;
  const denied = new Set(options.uncacheableFields ?? UNCACHEABLE_FIELDS);
  // a parsed document is reused by Apollo for every request with the same text: decide once per document
  const decisions = new WeakMap<DocumentNode, Map<string, CacheDecision>>();

  function decideNow(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): CacheDecision {
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
    if (!operation) return { cacheable: false, reason: 'no single operation' };
    if (operation.operation !== 'query') return { cacheable: false, reason: operation.operation };

    const roots = rootFieldsOf(operation.selectionSet, document);
    if (roots === null) return { cacheable: false, reason: 'root fields not static' };
    const pipelineArguments: ArgumentNode[] = [];
    let scoped = true;
    for (const field of roots) {
      const name = field.name.value;
      if (name === '__typename') continue;
      if (!Object.hasOwn(rootFields, name)) return { cacheable: false, reason: `root field ${name}` };
      const argument = rootFields[name] ? field.arguments?.find((a) => a.name.value === rootFields[name]) : undefined;
      if (argument) pipelineArguments.push(argument);
      else scoped = false;
    }
    if (pipelineArguments.length === 0) scoped = false;

    const typeInfo = new TypeInfo(schema);
    let deniedField: string | undefined;
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          const parent = typeInfo.getParentType();
          const name = node.name.value;
          if (denied.has(`*.${name}`) || (parent && denied.has(`${parent.name}.${name}`))) {
            deniedField = `${parent?.name ?? '*'}.${name}`;
            return false;
          }
          const type = typeInfo.getType();
          if (scoped && type && PIPELINE_BOUND.has(getNamedType(type).name) && !(parent && WITHIN_PIPELINE.has(parent.name))) scoped = false;
          return undefined;
        },
      }),
    );
    if (deniedField) return { cacheable: false, reason: `field ${deniedField}` };
    return { cacheable: true, pipelineArguments: scoped ? pipelineArguments : null };
  }

  return {
    decide(schema, document, operationName) {
      let byName = decisions.get(document);
      if (!byName) decisions.set(document, (byName = new Map()));
      const name = operationName ?? '';
      let decision = byName.get(name);
      if (!decision) byName.set(name, (decision = decideNow(schema, document, operationName)));
      return decision;
    },
    pipelinesOf(decision, variables) {
      if (!decision.pipelineArguments) return null;
      const ids = new Set<string>();
      for (const argument of decision.pipelineArguments) {
        const value: unknown = valueFromASTUntyped(argument.value, variables);
        if (typeof value !== 'string') return null;
        ids.add(value);
      }
      return ids;
    },
  };
}

/** The root fields of an operation, through inline fragments and fragment spreads; null for an unknown fragment. */
function rootFieldsOf(selectionSet: SelectionSetNode, document: DocumentNode, seen = new Set<string>()): FieldNode[] | null {
  const fields: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const inner = rootFieldsOf(selection.selectionSet, document, seen);
      if (!inner) return null;
      fields.push(...inner);
    } else {
      const name = selection.name.value;
      if (seen.has(name)) continue;
      seen.add(name);
      const fragment = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === name);
      if (!fragment || fragment.kind !== Kind.FRAGMENT_DEFINITION) return null;
      const inner = rootFieldsOf(fragment.selectionSet, document, seen);
      if (!inner) return null;
      fields.push(...inner);
    }
  }
  return fields;
}
