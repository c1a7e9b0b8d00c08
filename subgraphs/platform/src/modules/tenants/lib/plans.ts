/**
 * Subscription plans and the limits the gateway applies to a tenant on each. A tenant's `plan`
 * is one of these names; an unknown name (a plan retired since) gets the limits of `free`.
 *
 * | plan         | cost points per minute (demand control) | requests per minute (whole tenant) |
 * |--------------|-----------------------------------------|------------------------------------|
 * | `free`       | 20 000                                  | 300                                |
 * | `team`       | 100 000                                 | 1 200                              |
 * | `business`   | 500 000                                 | 6 000                              |
 * | `enterprise` | 2 000 000                               | 30 000                             |
 *
 * A board read of 50 deals costs about 200 points, so `free` allows about 100 such reads a minute.
 * Request limits count every request of the tenant at the gateway (GraphQL, BI queries, CSV
 * files); each user and API key also has its own limit, the same on every plan.
 */
export interface PlanLimits {
  /** Demand-control budget: estimated cost points the tenant may spend per minute. */
  costBudgetPerMinute: number;
  /** Requests the whole tenant may make per minute at the gateway. */
  requestsPerMinute: number;
}

export const PLANS = {
  free: { costBudgetPerMinute: 20_000, requestsPerMinute: 300 },
  team: { costBudgetPerMinute: 100_000, requestsPerMinute: 1_200 },
  business: { costBudgetPerMinute: 500_000, requestsPerMinute: 6_000 },
  enterprise: { costBudgetPerMinute: 2_000_000, requestsPerMinute: 30_000 },
} as const satisfies Record<string, PlanLimits>;

export type PlanName = keyof typeof PLANS;

export const PLAN_NAMES = Object.keys(PLANS) as PlanName[];

export function isPlanName(value: string): value is PlanName {
  return Object.hasOwn(PLANS, value);
}

/** The limits of a plan; `free`'s for a name that is not (or no longer) a plan. */
export function limitsOf(plan: string): PlanLimits {
  return isPlanName(plan) ? PLANS[plan] : PLANS.free;
}
