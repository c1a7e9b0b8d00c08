/**
 * Lead scoring: the tenant's rules (one JSON row per tenant, validated on write), the score of a
 * lead computed inside the transaction that writes it, and the events (activities on a lead,
 * from the sales subgraph) that earn points.
 *
 * A score is recomputed when a lead is created or changed, when an event on it arrives, for
 * every live lead when the rules change, and by the decay job (`decay`) for leads whose event
 * points are fading; event points decay by the rule's half-life as of that moment. `LeadScore`
 * keeps the breakdown behind the lead's `score` column.
 */
import { withTenantTransaction, type TxClient } from '@crm/db';
import type { Prisma, PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { TenantDb } from '../../../context.ts';
import { parseInput } from '../../../lib/validation.ts';
import type { LeadFacts } from '../lib/conditions.ts';
import { scoreLead, scoringRulesSchema, storedScoringRules, type LeadScoreResult, type LeadScoringRules } from '../lib/scoring.ts';

export const SCORING_KIND = 'SCORING';

type Tx = TxClient<PrismaClient>;

export interface LeadScoreBreakdown extends LeadScoreResult {
  computedAt: Date;
}

export interface ScoreEventInput {
  /** The source event's id (a redelivery changes nothing). */
  id: string;
  tenantId: string;
  leadId: string;
  kind: string;
  activityType: string | null;
  occurredAt: Date;
}

export interface LeadScoringService {
  rules(db: TenantDb): Promise<LeadScoringRules>;
  /** Validates and replaces the tenant's rules, then rescores its live leads. BAD_USER_INPUT names the invalid field. */
  setRules(tenantId: string, input: unknown): Promise<LeadScoringRules>;
  /** The score of a lead about to be written (inside its transaction); `leadId` null for a new lead. */
  score(tx: Tx, lead: LeadFacts, leadId: string | null, now: Date): Promise<LeadScoreResult>;
  /** Keeps the breakdown of a written lead. */
  remember(tx: Tx, tenantId: string, leadId: string, result: LeadScoreResult, now: Date): Promise<void>;
  /** Stored breakdowns of several leads in one query, in the order asked (null: none stored). */
  breakdowns(db: TenantDb, leadIds: readonly string[]): Promise<(LeadScoreBreakdown | null)[]>;
  /** Records an event on a lead and rescores it; false when the lead is unknown or the event was seen before. */
  recordEvent(event: ScoreEventInput): Promise<boolean>;
  /** Rescores, as of `now`, the tenant's live leads with events when a rule decays; returns how many scores changed. */
  decay(tenantId: string, now?: Date): Promise<number>;
}

export interface LeadScoringDeps {
  prisma: PrismaClient;
  clock?: () => Date;
}

const RESCORE_BATCH = 500;

export function createLeadScoringService({ prisma, clock = () => new Date() }: LeadScoringDeps): LeadScoringService {
  const rulesIn = async (db: Pick<Tx, 'leadRuleSet'>): Promise<LeadScoringRules> => {
    const row = await db.leadRuleSet.findFirst({ where: { kind: SCORING_KIND } });
    return row ? storedScoringRules(row.rules) : { fieldRules: [], eventRules: [] };
  };

  const remember = async (tx: Tx, tenantId: string, leadId: string, result: LeadScoreResult, now: Date) => {
    const breakdown = result.items as unknown as Prisma.InputJsonArray;
    await tx.leadScore.upsert({ where: { leadId }, create: { leadId, tenantId, breakdown, computedAt: now }, update: { breakdown, computedAt: now } });
  };

  const eventsOf = (tx: Tx, leadIds: string[]) =>
    leadIds.length === 0 ? Promise.resolve([]) : tx.leadScoreEvent.findMany({ where: { leadId: { in: leadIds } }, select: { leadId: true, kind: true, activityType: true, occurredAt: true } });

  /** Rescores the given leads with `rules` (in the caller's transaction); returns how many scores changed. */
  const rescore = async (tx: Tx, tenantId: string, rules: LeadScoringRules, leads: { id: string; score: number; name: string; email: string | null; company: string | null; source: string | null; customFields: unknown }[], now: Date) => {
    const events = await eventsOf(tx, leads.map((lead) => lead.id));
    let changed = 0;
    for (const lead of leads) {
      const result = scoreLead(rules, lead, events.filter((event) => event.leadId === lead.id), now);
      if (result.score !== lead.score) {
        await tx.lead.update({ where: { id: lead.id }, data: { score: result.score } });
        changed += 1;
      }
      await remember(tx, tenantId, lead.id, result, now);
    }
    return changed;
  };

  return {
    rules: (db) => rulesIn(db),

    async setRules(tenantId, input) {
      const rules = parseInput(scoringRulesSchema, input);
      await withTenantTransaction(prisma, tenantId, async (tx) => {
        const json = rules as unknown as Prisma.InputJsonObject;
        await tx.leadRuleSet.upsert({ where: { tenantId_kind: { tenantId, kind: SCORING_KIND } }, create: { tenantId, kind: SCORING_KIND, rules: json }, update: { rules: json } });
      });
      // every live lead that is still being worked gets the new rules, a batch per transaction
      const now = clock();
      let after: string | undefined;
      for (;;) {
        const done = await withTenantTransaction(prisma, tenantId, async (tx) => {
          const leads = await tx.lead.findMany({
            where: { deletedAt: null, status: { not: 'CONVERTED' }, ...(after ? { id: { gt: after } } : {}) },
            orderBy: { id: 'asc' },
            take: RESCORE_BATCH,
          });
          await rescore(tx, tenantId, rules, leads, now);
          after = leads.at(-1)?.id;
          return leads.length < RESCORE_BATCH;
        });
        if (done) break;
      }
      return rules;
    },

    async score(tx, lead, leadId, now) {
      const rules = await rulesIn(tx);
      if (rules.fieldRules.length === 0 && rules.eventRules.length === 0) return { score: 0, items: [] };
      const events = leadId && rules.eventRules.length ? await eventsOf(tx, [leadId]) : [];
      return scoreLead(rules, lead, events, now);
    },

    remember,

    async breakdowns(db, leadIds) {
      const rows = await db.leadScore.findMany({ where: { leadId: { in: [...leadIds] } } });
      const byLead = new Map(rows.map((row) => [row.leadId, row]));
      return leadIds.map((leadId) => {
        const row = byLead.get(leadId);
        if (!row) return null;
        const items = Array.isArray(row.breakdown) ? (row.breakdown as unknown as LeadScoreResult['items']) : [];
        const sum = items.reduce((acc, item) => acc + item.points, 0);
        return { score: Math.min(100, Math.max(0, Math.round(sum))), items, computedAt: row.computedAt };
      });
    },

    async recordEvent(event) {
      return withTenantTransaction(prisma, event.tenantId, async (tx) => {
        const lead = await tx.lead.findFirst({ where: { id: event.leadId } });
        if (!lead) return false;
        const { count } = await tx.leadScoreEvent.createMany({
          data: [{ id: event.id, tenantId: event.tenantId, leadId: event.leadId, kind: event.kind, activityType: event.activityType, occurredAt: event.occurredAt }],
          skipDuplicates: true,
        });
        if (count === 0) return false;
        if (lead.deletedAt === null && lead.status !== 'CONVERTED') await rescore(tx, event.tenantId, await rulesIn(tx), [lead], clock());
        return true;
      });
    },

    async decay(tenantId, now = clock()) {
      let changed = 0;
      let after: string | undefined;
      for (;;) {
        const done = await withTenantTransaction(prisma, tenantId, async (tx) => {
          const rules = await rulesIn(tx);
          if (!rules.eventRules.some((rule) => rule.halfLifeDays)) return true;
          const withEvents = await tx.leadScoreEvent.findMany({
            where: after ? { leadId: { gt: after } } : {},
            distinct: ['leadId'],
            orderBy: { leadId: 'asc' },
            take: RESCORE_BATCH,
            select: { leadId: true },
          });
          const ids = withEvents.map((row) => row.leadId);
          const leads = await tx.lead.findMany({ where: { id: { in: ids }, deletedAt: null, status: { not: 'CONVERTED' } }, orderBy: { id: 'asc' } });
          changed += await rescore(tx, tenantId, rules, leads, now);
          after = ids.at(-1);
          return ids.length < RESCORE_BATCH;
        });
        if (done) return changed;
      }
    },
  };
}
