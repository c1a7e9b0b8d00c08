/**
 * Subscription plans and the limits the gateway applies to a tenant on each. A tenant's `plan`
 * is one of these names; an unknown name (a plan retired since) gets the limits of `free`.
 *
 * | plan         | cost points per minute (demand control) |
 * |--------------|-----------------------------------------|
 * | `free`       | 20 000                                  |
 * | `team`       | 100 000                                 |
 * | `business`   | 500 000                                 |
 * | `enterprise` | 2 000 000                               |
 *
 * A board read of 50 deals costs about 200 points, so `free` allows about 100 such reads a minute.
 */
export interface PlanLimits {
  /** Demand-control budget: estimated cost points the tenant may spend per minute. */
  costBudgetPerMinute: number;
}

export const PLANS = {
  free: { costBudgetPerMinute: 20_000 },
  team: { costBudgetPerMinute: 100_000 },
  business: { costBudgetPerMinute: 500_000 },
  enterprise: { costBudgetPerMinute: 2_000_000 },
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
