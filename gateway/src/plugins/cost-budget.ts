/**
 * The tenants' cost budgets: cost points per tenant per minute, charged with each answer's
 * estimated cost before it is given. One implementation for every way an answer leaves the
 * gateway: demand control charges operations run through the pipeline (`useDemandControl.ts`), and
 * BI reads answered straight from the response cache (`bi/useBiQueries.ts`) are charged the same.
 *
 * - The window is a fixed minute in the limit store (Redis, shared by every gateway instance).
 * - Anonymous callers (sign-in) have no tenant and free operations (estimated 0) cost nothing:
 *   neither is charged. Without `budgetPerMinute` nothing is charged at all.
 * - A charge that would pass the budget is refused and not counted; the refusal says how much is
 *   left and when to retry. Callers answer it as `budgetExhausted` words it: RATE_LIMITED, HTTP 429,
 *   `retry-after`.
 */
import { ErrorCode, tenantKey, type Identity } from '@crm/runtime';
import type { LimitStore } from '../limit-store.ts';

export interface CostBudgetOptions {
  /** Cost points per tenant per minute; a function to vary by plan (may ask the platform). Default: no budget. */
  budgetPerMinute?: number | ((tenantId: string) => number | Promise<number>);
  store: LimitStore;
  /** The current time, ms. Default `Date.now`. */
  clock?: () => number;
  /** Called on every refusal (metrics). */
  onReject?: () => void;
}

/** Why a charge was refused. */
export interface BudgetRefusal {
  /** The tenant's budget, points per minute. */
  budget: number;
  /** What the refused answer would have cost. */
  estimated: number;
  /** Points left in the current minute. */
  remaining: number;
  /** When the budget has room again, seconds from now. */
  retryAfterSeconds: number;
}

export interface CostBudget {
  /** Charges `estimated` points to the caller's tenant: null when accepted (or nothing is charged), the refusal otherwise. */
  charge(identity: Pick<Identity, 'tenantId'>, estimated: number): Promise<BudgetRefusal | null>;
}

const MINUTE = 60_000;

export function createCostBudget(options: CostBudgetOptions): CostBudget {
  const { budgetPerMinute, store } = options;
  const budgetOf = budgetPerMinute === undefined ? undefined : typeof budgetPerMinute === 'function' ? budgetPerMinute : () => budgetPerMinute;
  return {
    async charge({ tenantId }, estimated) {
      if (!budgetOf || !tenantId || estimated === 0) return null;
      const budget = await budgetOf(tenantId);
      const charged = await store.spend(tenantKey(tenantId, 'cost'), estimated, budget, MINUTE, options.clock?.() ?? Date.now());
      if (charged.allowed) return null;
      options.onReject?.();
      return { budget, estimated, remaining: Math.max(0, budget - charged.used), retryAfterSeconds: Math.ceil(charged.retryAfterMs / 1000) };
    },
  };
}

/** How a refusal reads to the caller: the error's message and extensions (answered with HTTP 429 and `retry-after`). */
export function budgetExhausted(refusal: BudgetRefusal): {
  message: string;
  extensions: { code: typeof ErrorCode.RATE_LIMITED; estimated: number; remaining: number; retryAfterSeconds: number };
} {
  const { budget, estimated, remaining, retryAfterSeconds } = refusal;
  return {
    message: `Cost budget of ${budget} points per minute exhausted; retry in ${retryAfterSeconds} s`,
    extensions: { code: ErrorCode.RATE_LIMITED, estimated, remaining, retryAfterSeconds },
  };
}
