/**
 * Attachment storage each subscription plan (`plans.ts`) allows a tenant, uploads in progress
 * included. A name that is not a plan gets `free`'s quota, so a typo never grants more.
 *
 * | plan         | storage |
 * |--------------|---------|
 * | `free`       | 1 GiB   |
 * | `team`       | 10 GiB  |
 * | `business`   | 100 GiB |
 * | `enterprise` | 1 TiB   |
 */
import { isPlanName, type PlanName } from './plans.ts';

const GIB = 1024 ** 3;

export const PLAN_STORAGE_BYTES: Readonly<Record<PlanName, number>> = {
  free: 1 * GIB,
  team: 10 * GIB,
  business: 100 * GIB,
  enterprise: 1024 * GIB,
};

/** The storage quota of `plan`, bytes; `overrides` (per plan name, from configuration) take precedence. */
export function storageBytesOf(plan: string, overrides: Readonly<Partial<Record<string, number>>> = {}): number {
  const name: PlanName = isPlanName(plan) ? plan : 'free';
  return overrides[name] ?? PLAN_STORAGE_BYTES[name];
}
