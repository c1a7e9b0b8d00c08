/**
 * Lead assignment: the tenant's ordered rules, and the owner they give a lead created without one
 * (through the API, a web form or an import), decided inside the transaction that creates it.
 *
 * Round robin advances one counter per rule in PostgreSQL (`INSERT ... ON CONFLICT DO UPDATE
 * ... RETURNING`), so concurrent creates take consecutive turns and spread evenly. Teams resolve
 * to their active members (by id) through the user directory the platform's user events keep
 * here (see lead-directory.ts).
 */
import { withTenantTransaction, type TxClient } from '@crm/db';
import { badInput } from '@crm/runtime';
import type { Prisma, PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { TenantDb } from '../../../context.ts';
import { parseInput } from '../../../lib/validation.ts';
import type { LeadFacts } from '../../lead-scoring/lib/conditions.ts';
import { assignmentRulesSchema, firstMatching, pickInTurn, storedAssignmentRules, usersNamed, withIds, type AssignmentRule } from '../lib/rules.ts';

export const ASSIGNMENT_KIND = 'ASSIGNMENT';

type Tx = TxClient<PrismaClient>;

export interface LeadAssignment {
  ownerId: string;
  rule: AssignmentRule;
}

export interface LeadAssignmentService {
  rules(db: TenantDb): Promise<AssignmentRule[]>;
  /**
   * Validates and replaces the tenant's rules. BAD_USER_INPUT names the field: an invalid rule, a
   * user who is not an active user of the tenant, or a team without active members (an empty rotation).
   */
  setRules(tenantId: string, input: unknown): Promise<AssignmentRule[]>;
  /** The owner the first matching rule gives `lead`, or null when no rule matches (or its team is empty). */
  assign(tx: Tx, tenantId: string, lead: LeadFacts): Promise<LeadAssignment | null>;
}

export function createLeadAssignmentService({ prisma }: { prisma: PrismaClient }): LeadAssignmentService {
  const rulesIn = async (db: Pick<Tx, 'leadRuleSet'>) => {
    const row = await db.leadRuleSet.findFirst({ where: { kind: ASSIGNMENT_KIND } });
    return row ? storedAssignmentRules(row.rules) : [];
  };

  const teamMembers = async (tx: Pick<Tx, 'leadAssignee'>, teamId: string) =>
    (await tx.leadAssignee.findMany({ where: { teamId, active: true }, select: { userId: true }, orderBy: { userId: 'asc' } })).map((row) => row.userId);

  return {
    rules: (db) => rulesIn(db),

    async setRules(tenantId, input) {
      const rules = withIds(parseInput(assignmentRulesSchema, input, ['rules']));
      return withTenantTransaction(prisma, tenantId, async (tx) => {
        const named = usersNamed(rules);
        const known = new Set((await tx.leadAssignee.findMany({ where: { userId: { in: named }, active: true }, select: { userId: true } })).map((row) => row.userId));
        for (const [index, rule] of rules.entries()) {
          const missing = [rule.userId, ...(rule.userIds ?? [])].find((userId) => userId && !known.has(userId));
          if (missing) throw badInput(`rules.${index}: ${missing} is not an active user of the tenant`, `rules.${index}.${rule.userId ? 'userId' : 'userIds'}`);
          if (rule.teamId && (await teamMembers(tx, rule.teamId)).length === 0) {
            throw badInput(`rules.${index}.teamId: the team has no active members (empty rotation)`, `rules.${index}.teamId`);
          }
        }
        const json = rules as unknown as Prisma.InputJsonArray;
        await tx.leadRuleSet.upsert({ where: { tenantId_kind: { tenantId, kind: ASSIGNMENT_KIND } }, create: { tenantId, kind: ASSIGNMENT_KIND, rules: json }, update: { rules: json } });
        await tx.leadAssignmentCursor.deleteMany({});
        return rules;
      });
    },

    async assign(tx, tenantId, lead) {
      const rule = firstMatching(await rulesIn(tx), lead);
      if (!rule) return null;
      const candidates = rule.userId ? [rule.userId] : rule.userIds?.length ? rule.userIds : rule.teamId ? await teamMembers(tx, rule.teamId) : [];
      if (candidates.length <= 1) return candidates[0] ? { ownerId: candidates[0], rule } : null;
      const [turn] = await tx.$queryRaw<{ position: bigint }[]>`
        INSERT INTO "LeadAssignmentCursor" ("tenantId", "ruleId", "position") VALUES (${tenantId}::uuid, ${rule.id}, 1)
        ON CONFLICT ("tenantId", "ruleId") DO UPDATE SET "position" = "LeadAssignmentCursor"."position" + 1
        RETURNING "position"`;
      const ownerId = pickInTurn(candidates, Number(turn?.position ?? 1));
      return ownerId ? { ownerId, rule } : null;
    },
  };
}
