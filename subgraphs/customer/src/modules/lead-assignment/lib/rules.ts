/**
 * A tenant's lead assignment rules: an ordered list, the first rule whose conditions all hold
 * decides the owner of a new lead created without one.
 *
 * - TERRITORY: conditions (at least one) on country, region or any lead field -> one user, or a team
 *   (its active members take turns).
 * - ROUND_ROBIN: optional conditions -> the listed users, or a team's active members, in turn.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isUuid } from '../../../lib/validation.ts';
import { matches, type LeadCondition, type LeadFacts } from '../../lead-scoring/lib/conditions.ts';
import { conditionShape, refineCondition } from '../../lead-scoring/lib/scoring.ts';

export const ASSIGNMENT_KINDS = ['TERRITORY', 'ROUND_ROBIN'] as const;
export type AssignmentKind = (typeof ASSIGNMENT_KINDS)[number];

export interface AssignmentRule {
  /** Stable id of the rule (its round-robin position is kept per id). */
  id: string;
  name: string;
  kind: AssignmentKind;
  conditions: LeadCondition[];
  /** A single owner (TERRITORY). */
  userId?: string | null;
  /** Users taking turns (ROUND_ROBIN). */
  userIds?: string[] | null;
  /** A team whose active members take turns. */
  teamId?: string | null;
}

export const MAX_ASSIGNMENT_RULES = 50;
export const MAX_ROTATION = 200;

const id = (label: string) => z.string().refine(isUuid, `${label} is not a valid id`).transform((value) => value.toLowerCase());

const ruleSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
    kind: z.enum(ASSIGNMENT_KINDS, { error: `must be one of ${ASSIGNMENT_KINDS.join(', ')}` }),
    conditions: z
      .array(z.object(conditionShape).superRefine(refineCondition))
      .max(20, 'must have at most 20 conditions')
      .nullish()
      .transform((value) => value ?? []),
    userId: id('userId').nullish(),
    userIds: z.array(id('userIds')).max(MAX_ROTATION, `must have at most ${MAX_ROTATION} users`).nullish(),
    teamId: id('teamId').nullish(),
  })
  .superRefine((rule, ctx) => {
    const targets = [rule.userId, rule.userIds, rule.teamId].filter((target) => target !== null && target !== undefined).length;
    if (rule.kind === 'TERRITORY') {
      if (rule.conditions.length === 0) ctx.addIssue({ code: 'custom', path: ['conditions'], message: 'a territory needs at least one condition' });
      if (rule.userIds) ctx.addIssue({ code: 'custom', path: ['userIds'], message: 'a territory goes to userId or teamId' });
      else if (targets !== 1) ctx.addIssue({ code: 'custom', path: ['userId'], message: 'give exactly one of userId or teamId' });
    } else {
      if (rule.userId) ctx.addIssue({ code: 'custom', path: ['userId'], message: 'a round robin goes to userIds or teamId' });
      else if (targets !== 1) ctx.addIssue({ code: 'custom', path: ['userIds'], message: 'give exactly one of userIds or teamId' });
      else if (rule.userIds && rule.userIds.length === 0) ctx.addIssue({ code: 'custom', path: ['userIds'], message: 'the rotation is empty' });
    }
  });

export const assignmentRulesSchema = z.array(ruleSchema).max(MAX_ASSIGNMENT_RULES, `must have at most ${MAX_ASSIGNMENT_RULES} rules`);

/** Validated input rules with fresh ids (positions restart when the rules are replaced). */
export function withIds(rules: z.output<typeof assignmentRulesSchema>): AssignmentRule[] {
  return rules.map((rule) => ({ id: randomUUID(), ...rule, userIds: rule.userIds ? [...new Set(rule.userIds)] : rule.userIds }));
}

/** Stored rules read back (anything unreadable counts as no rules). */
export function storedAssignmentRules(json: unknown): AssignmentRule[] {
  if (!Array.isArray(json)) return [];
  const parsed = assignmentRulesSchema.safeParse(json);
  if (!parsed.success) return [];
  return parsed.data.map((rule, i) => ({ ...rule, id: String((json[i] as { id?: unknown }).id ?? i) }));
}

/** Every user a rule names (validated against the tenant's users). */
export const usersNamed = (rules: readonly AssignmentRule[]): string[] => [...new Set(rules.flatMap((rule) => [...(rule.userId ? [rule.userId] : []), ...(rule.userIds ?? [])]))];

/** The first rule whose conditions all hold for `lead`, if any. */
export function firstMatching(rules: readonly AssignmentRule[], lead: LeadFacts): AssignmentRule | undefined {
  return rules.find((rule) => rule.conditions.every((condition) => matches(lead, condition)));
}

/** The candidate at a 1-based round-robin `position`. */
export const pickInTurn = <T>(candidates: readonly T[], position: number): T | undefined =>
  candidates.length === 0 ? undefined : candidates[(((position - 1) % candidates.length) + candidates.length) % candidates.length];
