/**
 * What happens to a lead as it is written: assignment (only when it is created without an owner)
 * and scoring, both inside the write's transaction so the row, its event and its breakdown agree.
 */
import type { TxClient } from '@crm/db';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { LeadAssignmentService } from '../../lead-assignment/services/lead-assignment.ts';
import type { LeadFacts } from '../lib/conditions.ts';
import type { LeadScoringService } from './lead-scoring.ts';

type Tx = TxClient<PrismaClient>;

export interface PreparedLead {
  /** The owner to write: the requested one, or the assignment rules' choice, or null. */
  ownerId: string | null;
  score: number;
  /** Keeps the score breakdown once the lead row is written. */
  commit(tx: Tx, leadId: string): Promise<void>;
}

export interface LeadRules {
  prepare(tx: Tx, tenantId: string, lead: LeadFacts & { ownerId: string | null }, options: { leadId: string | null; assign: boolean }): Promise<PreparedLead>;
}

export function createLeadRules(deps: { scoring: LeadScoringService; assignment: LeadAssignmentService; clock?: () => Date }): LeadRules {
  const clock = deps.clock ?? (() => new Date());
  return {
    async prepare(tx, tenantId, lead, { leadId, assign }) {
      const now = clock();
      const assigned = assign && lead.ownerId === null ? await deps.assignment.assign(tx, tenantId, lead) : null;
      const result = await deps.scoring.score(tx, lead, leadId, now);
      return {
        ownerId: assigned?.ownerId ?? lead.ownerId,
        score: result.score,
        // a new lead no rule scored has nothing to explain: no breakdown row
        commit: async (commitTx, id) => {
          if (leadId !== null || result.items.length > 0) await deps.scoring.remember(commitTx, tenantId, id, result, now);
        },
      };
    },
  };
}
