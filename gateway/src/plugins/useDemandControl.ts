/**
 * Demand control: every operation's cost is estimated from the supergraph's `@cost` and
 * `@listSize` directives (see `cost.ts`) before any subgraph is called.
 *
 * - Above `maxCost` the operation is refused: COST_ESTIMATED_TOO_EXPENSIVE (HTTP 400) with
 *   `extensions: { estimated, max }`.
 * - With `budgetPerMinute`, each tenant has a budget of cost points per minute (per plan: the
 *   gateway passes a function reading the tenant's plan from the platform, cached); the
 *   estimated cost is charged before execution (`cost-budget.ts`, shared with BI answers served
 *   from the response cache), and an exhausted budget is RATE_LIMITED (HTTP 429, `retry-after`,
 *   `extensions: { estimated, remaining, retryAfterSeconds }`). Anonymous operations (sign-in)
 *   have no tenant and are not charged; request rate limits cover them. Operations run for one
 *   already charged (`alreadyCharged` in the context) are not charged again.
 * - Every response carries `extensions.cost: { estimated, actual, max }` (actual: objects in the
 *   response), so partners can tune their queries.
 */
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '@crm/runtime';
import { GraphQLError, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from '../graphql.ts';
import type { GatewayContext } from '../context.ts';
import { actualCost, costModelFromSupergraph, estimateCost, operationOf, type CostOptions } from '../cost.ts';
import type { LimitStore } from '../limit-store.ts';
import { budgetExhausted, createCostBudget, type CostBudget } from './cost-budget.ts';

export interface DemandControlOptions extends CostOptions {
  /** Most expensive operation accepted. Default 10 000. */
  maxCost?: number;
  /** Cost points per tenant per minute; a function to vary by plan (may ask the platform). Default: no budget. */
  budgetPerMinute?: number | ((tenantId: string) => number | Promise<number>);
  /** Add `extensions.cost` to responses. Default true. */
  exposeCost?: boolean;
  /** Called on every refusal (metrics). */
  onReject?: (reason: 'too_expensive' | 'budget') => void;
  /** Called with the estimated cost of every accepted operation (metrics). */
  onAccept?: (estimated: number) => void;
  /** The current time, ms. Default `Date.now`. */
  clock?: () => number;
}

export interface DemandControlDependencies {
  supergraphSdl: string;
  schema: () => GraphQLSchema | undefined;
  store: LimitStore;
  /**
   * The tenants' budget to charge, when the gateway shares it with other answers (BI reads from
   * the response cache); its own `onReject` then reports refusals. Default: one built from
   * `budgetPerMinute`, `store` and `clock`, reporting refusals as `onReject('budget')`.
   */
  budget?: CostBudget;
}

/** `fallbackBudgetPerMinute`: a tenant's budget when it comes from its plan and the platform cannot answer. */
export const DEMAND_CONTROL_DEFAULTS = { maxCost: 10_000, defaultListSize: 10, mutationBase: 10, fallbackBudgetPerMinute: 500_000 } as const;

export function useDemandControl(options: DemandControlOptions & DemandControlDependencies): ApolloServerPlugin<GatewayContext> {
  const model = costModelFromSupergraph(options.supergraphSdl);
  const maxCost = options.maxCost ?? DEMAND_CONTROL_DEFAULTS.maxCost;
  const budget =
    options.budget ??
    createCostBudget({ store: options.store, budgetPerMinute: options.budgetPerMinute, clock: options.clock, onReject: () => options.onReject?.('budget') });
  const costOptions: CostOptions = { defaultListSize: options.defaultListSize, mutationBase: options.mutationBase };
  /**
   * Estimates by parsed document (Apollo reuses it for the same text) and variables: a repeated
   * operation (a BI tool polling, a board reloaded) is not walked again. Per schema, since a new
   * supergraph may price it differently.
   */
  const estimates = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, number>>>();
  function estimateOnce(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): number {
    let bySchema = estimates.get(schema);
    if (!bySchema) estimates.set(schema, (bySchema = new WeakMap()));
    let byVariables = bySchema.get(document);
    if (!byVariables) bySchema.set(document, (byVariables = new Map()));
    const key = `${operation.name?.value ?? ''}\u0000${JSON.stringify(variables)}`;
    let cost = byVariables.get(key);
    if (cost === undefined) {
      cost = estimateCost(schema, model, document, operation, variables, costOptions);
      if (byVariables.size >= 100) byVariables.clear();
      byVariables.set(key, cost);
    }
    return cost;
  }

  return {
    async requestDidStart() {
      let estimated: number | undefined;
      return {
        async didResolveOperation({ document, request, contextValue }) {
          const schema = options.schema();
          const operation = operationOf(document, request.operationName);
          if (!schema || !operation) return;
          estimated = estimateOnce(schema, document, operation, request.variables ?? {});
          if (estimated > maxCost) {
            options.onReject?.('too_expensive');
            throw new GraphQLError(`Operation cost ${estimated} is above the maximum of ${maxCost}`, {
              extensions: { code: ErrorCode.COST_ESTIMATED_TOO_EXPENSIVE, estimated, max: maxCost, http: { status: 400 } },
            });
          }
          const refusal = contextValue.alreadyCharged ? null : await budget.charge(contextValue.identity, estimated);
          if (refusal) {
            const { message, extensions } = budgetExhausted(refusal);
            throw new GraphQLError(message, {
              extensions: { ...extensions, http: { status: 429, headers: new HeaderMap([['retry-after', String(refusal.retryAfterSeconds)]]) } },
            });
          }
          options.onAccept?.(estimated);
        },
        async willSendResponse({ response }) {
          if (options.exposeCost === false || estimated === undefined || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, cost: { estimated, actual: actualCost(result.data), max: maxCost } };
        },
      };
    },
  };
}
