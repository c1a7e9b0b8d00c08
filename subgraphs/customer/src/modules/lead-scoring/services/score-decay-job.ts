/**
 * The score decay job of the customer process: every `intervalMs` (default one hour) it rescores,
 * in each tenant whose event rules decay, the live leads that have events, so stored scores (and
 * the lists filtered or sorted by them) follow the half-lives between events.
 *
 * Which tenants to visit comes from `customer_decaying_score_tenants()`, a narrow SQL function
 * (the rule sets are tenant-private); each tenant is then rescored in its own transactions.
 */
import { intervalJob, type IntervalJob, type Logger } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { LeadScoringService } from './lead-scoring.ts';

export interface ScoreDecayJob extends IntervalJob {
  /** Rescores every decaying tenant as of `now`; returns the number of scores changed per tenant. */
  runOnce(now?: Date): Promise<Map<string, number>>;
}

export interface ScoreDecayJobOptions {
  prisma: PrismaClient;
  scoring: LeadScoringService;
  logger: Logger;
  /** Default 3 600 000 (one hour). */
  intervalMs?: number;
}

export function createScoreDecayJob({ prisma, scoring, logger, intervalMs = 3_600_000 }: ScoreDecayJobOptions): ScoreDecayJob {
  const runOnce = async (now = new Date()): Promise<Map<string, number>> => {
    const tenants = await prisma.$queryRaw<{ tenantId: string }[]>`SELECT "tenantId" FROM customer_decaying_score_tenants() AS t("tenantId")`;
    const changed = new Map<string, number>();
    for (const { tenantId } of tenants) {
      try {
        changed.set(tenantId, await scoring.decay(tenantId, now));
      } catch (error) {
        logger.warn({ err: error, tenantId }, 'lead score decay failed');
      }
    }
    return changed;
  };

  return { ...intervalJob(() => runOnce(), { intervalMs, logger, failure: 'lead score decay run failed' }), runOnce };
}
