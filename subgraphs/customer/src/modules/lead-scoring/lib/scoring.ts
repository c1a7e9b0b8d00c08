/**
 * A tenant's lead scoring rules and the score they give a lead.
 *
 * Field rules add (or take away) points when a condition on the lead holds. Event rules add points
 * for each matching event on the lead (an activity logged or completed in sales, optionally of one
 * activity type); with `halfLifeDays` an event's points halve every that many days. The score is
 * the rounded sum clamped to 0-100; the breakdown lists every rule that contributed.
 */
import { z } from 'zod';
import { CUSTOM_FIELD_KEY } from '../../../lib/custom-fields.ts';
import { describe, LEAD_RULE_FIELDS, LEAD_RULE_OPERATORS, matches, type LeadCondition, type LeadFacts } from './conditions.ts';

export const LEAD_SCORE_EVENTS = ['ACTIVITY_LOGGED', 'ACTIVITY_COMPLETED'] as const;
export type LeadScoreEventKind = (typeof LEAD_SCORE_EVENTS)[number];
export const ACTIVITY_TYPES = ['TASK', 'MEETING', 'CALL', 'EMAIL', 'NOTE'] as const;

export interface FieldScoreRule extends LeadCondition {
  label: string;
  points: number;
}

export interface EventScoreRule {
  label: string;
  event: LeadScoreEventKind;
  /** Only events about activities of this type (e.g. EMAIL); any type when null. */
  activityType?: (typeof ACTIVITY_TYPES)[number] | null;
  points: number;
  /** Points halve every this many days; no decay when null. */
  halfLifeDays?: number | null;
}

export interface LeadScoringRules {
  fieldRules: FieldScoreRule[];
  eventRules: EventScoreRule[];
}

export const NO_SCORING_RULES: LeadScoringRules = { fieldRules: [], eventRules: [] };

export interface ScoreEventFact {
  kind: string;
  activityType: string | null;
  occurredAt: Date;
}

export interface ScoreItem {
  rule: string;
  /** Points this rule gave, after decay (two decimals). */
  points: number;
  /** How many events counted (event rules); 1 for a field rule. */
  count: number;
}

export interface LeadScoreResult {
  score: number;
  items: ScoreItem[];
}

export const MAX_RULES = 50;
const DAY_MS = 86_400_000;

const label = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const points = z.number().int('must be a whole number').min(-100, 'must be at least -100').max(100, 'must be at most 100');

/** A condition: the custom field key is required for CUSTOM_FIELD, the value for EQUALS and CONTAINS. */
export const conditionShape = {
  field: z.enum(LEAD_RULE_FIELDS, { error: `must be one of ${LEAD_RULE_FIELDS.join(', ')}` }),
  customField: z.string().trim().regex(CUSTOM_FIELD_KEY, 'is not a custom field key').nullish(),
  operator: z.enum(LEAD_RULE_OPERATORS, { error: `must be one of ${LEAD_RULE_OPERATORS.join(', ')}` }),
  value: z.string().trim().max(200, 'must be at most 200 characters').nullish(),
};

export function refineCondition(condition: LeadCondition, ctx: z.RefinementCtx): void {
  if (condition.field === 'CUSTOM_FIELD' && !condition.customField) ctx.addIssue({ code: 'custom', path: ['customField'], message: 'is required when field is CUSTOM_FIELD' });
  if ((condition.operator === 'EQUALS' || condition.operator === 'CONTAINS') && !condition.value) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: `is required with ${condition.operator}` });
  }
}

export const scoringRulesSchema = z.object({
  fieldRules: z
    .array(z.object({ label, points, ...conditionShape }).superRefine(refineCondition))
    .max(MAX_RULES, `must have at most ${MAX_RULES} rules`),
  eventRules: z
    .array(
      z.object({
        label,
        points,
        event: z.enum(LEAD_SCORE_EVENTS, { error: `must be one of ${LEAD_SCORE_EVENTS.join(', ')}` }),
        activityType: z.enum(ACTIVITY_TYPES, { error: `must be one of ${ACTIVITY_TYPES.join(', ')}` }).nullish(),
        halfLifeDays: z.number().int('must be a whole number').min(1, 'must be at least 1').max(3650, 'must be at most 3650').nullish(),
      }),
    )
    .max(MAX_RULES, `must have at most ${MAX_RULES} rules`),
});

/** Stored rules read back (anything unreadable counts as no rules). */
export function storedScoringRules(json: unknown): LeadScoringRules {
  const parsed = scoringRulesSchema.safeParse(json);
  return parsed.success ? parsed.data : NO_SCORING_RULES;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** The score of `lead` under `rules` at `now`, with the rules that gave it. */
export function scoreLead(rules: LeadScoringRules, lead: LeadFacts, events: readonly ScoreEventFact[], now: Date): LeadScoreResult {
  const items: ScoreItem[] = [];
  for (const rule of rules.fieldRules) {
    if (matches(lead, rule)) items.push({ rule: `${rule.label} (${describe(rule)})`, points: rule.points, count: 1 });
  }
  for (const rule of rules.eventRules) {
    let total = 0;
    let count = 0;
    for (const event of events) {
      if (event.kind !== rule.event || (rule.activityType && event.activityType !== rule.activityType)) continue;
      const ageDays = Math.max(0, now.getTime() - event.occurredAt.getTime()) / DAY_MS;
      total += rule.halfLifeDays ? rule.points * 0.5 ** (ageDays / rule.halfLifeDays) : rule.points;
      count += 1;
    }
    if (count > 0) items.push({ rule: rule.label, points: round2(total), count });
  }
  const sum = items.reduce((acc, item) => acc + item.points, 0);
  return { score: Math.min(100, Math.max(0, Math.round(sum))), items };
}
