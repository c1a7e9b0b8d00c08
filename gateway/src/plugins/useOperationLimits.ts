/**
 * Operation limits: the shape of a document is checked before anything reaches a subgraph.
 *
 * - Depth, aliases and directives per operation: GraphQL Armor (pinned to a release with the
 *   2025 max-depth fixes for fragment caching and `__schema`-named fragments).
 * - Tokens: graphql-js's own `maxTokens` parse option, so an oversized document stops parsing
 *   early and is a GRAPHQL_PARSE_FAILED.
 * - Root fields per operation (fan-out across subgraphs) and fields in total with fragments
 *   expanded (a few lines of fragments spreading each other twice would otherwise expand to
 *   millions of fields): validation rules of our own, linear in the document.
 * - List page sizes: `first`/`last` above `maxPageSize`, as literals or variables, are a
 *   BAD_USER_INPUT naming the argument.
 * - Fragment cycles are refused by graphql-js's `NoFragmentCyclesRule` (always on); request
 *   bodies above the size limit (413), batched requests and malformed JSON (400) are refused by
 *   the HTTP front before parsing.
 *
 * Every refusal is a 400 with `extensions.code` GRAPHQL_VALIDATION_FAILED, GRAPHQL_PARSE_FAILED
 * or BAD_USER_INPUT; never a 5xx.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { ErrorCode } from '@crm/runtime';
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from '../graphql.ts';
import type { GatewayContext } from '../context.ts';

export interface OperationLimitsOptions {
  /** Deepest field nesting per operation (fragments expanded). Default 12. */
  maxDepth?: number;
  /** Aliases per operation. Default 15. */
  maxAliases?: number;
  /** Directives per operation. Default 50. */
  maxDirectives?: number;
  /** Lexical tokens per document. Default 5 000. */
  maxTokens?: number;
  /** Fields selected at the root of one operation. Default 10. */
  maxRootFields?: number;
  /** Fields selected in one operation, every fragment spread expanded. Default 2 000. */
  maxFields?: number;
  /** Largest page a list argument may ask for. Default 500 (a whole board column). */
  maxPageSize?: number;
  /** Arguments that size a page. Default `['first', 'last']`. */
  pageArguments?: string[];
}

export interface OperationLimits {
  /** Apollo Server plugins (Armor's and the page-size check). */
  plugins: ApolloServerPlugin<GatewayContext>[];
  /** Extra validation rules, run with graphql-js's specified rules. */
  validationRules: ValidationRule[];
  /** Apollo Server `parseOptions`. */
  parseOptions: { maxTokens: number };
}

export const OPERATION_LIMIT_DEFAULTS = {
  maxDepth: 12,
  maxAliases: 15,
  maxDirectives: 50,
  maxTokens: 5_000,
  maxRootFields: 10,
  maxFields: 2_000,
  maxPageSize: 500,
  pageArguments: ['first', 'last'],
} satisfies Required<OperationLimitsOptions>;

export function useOperationLimits(options: OperationLimitsOptions = {}): OperationLimits {
  const limits = { ...OPERATION_LIMIT_DEFAULTS, ...options };
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    // handled elsewhere: tokens by graphql-js, cost by demand control, suggestions by useHideSuggestions
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    plugins: [...(armor.plugins as ApolloServerPlugin<GatewayContext>[]), pageSizePlugin(limits.maxPageSize, new Set(limits.pageArguments))],
    // ours first: the expanded-field count stops fragment bombs before anything walks them
    validationRules: [maxFieldsRule(limits.maxFields), maxRootFieldsRule(limits.maxRootFields), ...armor.validationRules],
    parseOptions: { maxTokens: limits.maxTokens },
  };
}

/** Fields at the root of each operation, fragments and inline fragments expanded. */
export function rootFieldCount(selectionSet: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, seen = new Set<string>()): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) count += 1;
    else if (selection.kind === Kind.INLINE_FRAGMENT) count += rootFieldCount(selection.selectionSet, fragments, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) count += rootFieldCount(fragment.selectionSet, fragments, seen);
    }
  }
  return count;
}

/** Refuses operations selecting more than `max` root fields. */
export function maxRootFieldsRule(max: number): ValidationRule {
  return (context: ValidationContext) => {
    const fragments = new Map(context.getDocument().definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
    return {
      OperationDefinition(node: OperationDefinitionNode) {
        const count = rootFieldCount(node.selectionSet, fragments);
        if (count > max) {
          context.reportError(new GraphQLError(`Operation selects ${count} root fields; at most ${max} are allowed`, { nodes: [node] }));
        }
      },
    };
  };
}

/**
 * Fields of a selection set with every fragment spread expanded, computed once per fragment
 * (memoised), so the count is cheap even when the expansion is astronomically large. Cycles count
 * nothing here; `NoFragmentCyclesRule` refuses them.
 */
export function expandedFieldCount(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  memo = new Map<string, number>(),
  visiting = new Set<string>(),
): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) count += 1 + (selection.selectionSet ? expandedFieldCount(selection.selectionSet, fragments, memo, visiting) : 0);
    else if (selection.kind === Kind.INLINE_FRAGMENT) count += expandedFieldCount(selection.selectionSet, fragments, memo, visiting);
    else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment || visiting.has(name)) continue;
      let size = memo.get(name);
      if (size === undefined) {
        visiting.add(name);
        size = expandedFieldCount(fragment.selectionSet, fragments, memo, visiting);
        visiting.delete(name);
        memo.set(name, size);
      }
      count += size;
    }
  }
  return count;
}

/** Refuses operations selecting more than `max` fields once fragments are expanded. */
export function maxFieldsRule(max: number): ValidationRule {
  return (context: ValidationContext) => {
    const fragments = new Map(context.getDocument().definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
    const memo = new Map<string, number>();
    return {
      OperationDefinition(node: OperationDefinitionNode) {
        const count = expandedFieldCount(node.selectionSet, fragments, memo);
        if (count > max) {
          context.reportError(new GraphQLError(`Operation selects ${count > 1e9 ? 'more than a billion' : count} fields with fragments expanded; at most ${max} are allowed`, { nodes: [node] }));
        }
      },
    };
  };
}

/** Every page-size argument of a document with its value (variables resolved). */
export function pageSizes(document: DocumentNode, variables: Record<string, unknown>, names: ReadonlySet<string>): Array<{ argument: string; value: unknown }> {
  const found: Array<{ argument: string; value: unknown }> = [];
  const defaults = new Map<string, ValueNode>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? []) if (variable.defaultValue) defaults.set(variable.variable.name.value, variable.defaultValue);
  }
  const valueOf = (node: ValueNode): unknown => {
    if (node.kind === Kind.INT) return Number(node.value);
    if (node.kind === Kind.VARIABLE) {
      const name = node.name.value;
      if (name in variables) return variables[name];
      const fallback = defaults.get(name);
      return fallback ? valueOf(fallback) : undefined;
    }
    return undefined;
  };
  const walk = (selectionSet: SelectionSetNode | undefined) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        for (const argument of selection.arguments ?? []) {
          if (names.has(argument.name.value)) found.push({ argument: argument.name.value, value: valueOf(argument.value) });
        }
        walk(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) walk(definition.selectionSet);
  }
  return found;
}

function pageSizePlugin(max: number, names: ReadonlySet<string>): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          for (const { argument, value } of pageSizes(document, request.variables ?? {}, names)) {
            if (typeof value === 'number' && value > max) {
              throw new GraphQLError(`\`${argument}\` is at most ${max}`, {
                extensions: { code: ErrorCode.BAD_USER_INPUT, field: argument, http: { status: 400 } },
              });
            }
          }
        },
      };
    },
  };
}
