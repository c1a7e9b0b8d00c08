/**
 * Consumer group `customer.lead-rules`: keeps lead scoring and assignment current with the other
 * subgraphs' events.
 *
 * - `sales.activity.created` / `.completed` about a LEAD: an ACTIVITY_LOGGED / ACTIVITY_COMPLETED
 *   score event (stored once per event id, then the lead is rescored);
 * - `platform.user.*`: the user directory assignment rules use (see lead-directory.ts).
 */
import { subscribeTuned, topicOf, type BusSubscription, type ConsumerTuning, type EventBus, type EventEnvelope } from '@crm/events';
import type { Logger } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import { isUuid } from '../../../lib/validation.ts';
import { applyDirectoryEvent } from '../../lead-assignment/services/lead-directory.ts';
import type { LeadScoreEventKind } from '../lib/scoring.ts';
import type { LeadScoringService, ScoreEventInput } from './lead-scoring.ts';

export const LEAD_RULES_CONSUMER = 'customer.lead-rules';

const KIND_OF: Record<string, LeadScoreEventKind> = {
  'sales.activity.created': 'ACTIVITY_LOGGED',
  'sales.activity.completed': 'ACTIVITY_COMPLETED',
};

/** The score event a sales event stands for, or null. */
export function scoreEventOf(event: EventEnvelope): ScoreEventInput | null {
  const kind = KIND_OF[event.type];
  const payload = (event.payload ?? {}) as Record<string, unknown>;
  if (!kind || payload.recordType !== 'LEAD' || typeof payload.recordId !== 'string' || !isUuid(payload.recordId) || !isUuid(event.id) || !isUuid(event.tenantId)) return null;
  return {
    id: event.id,
    tenantId: event.tenantId,
    leadId: payload.recordId.toLowerCase(),
    kind,
    activityType: typeof payload.type === 'string' ? payload.type : null,
    occurredAt: new Date(event.occurredAt),
  };
}

export interface LeadEventsConsumerDeps extends ConsumerTuning {
  bus: EventBus;
  prisma: PrismaClient;
  scoring: Pick<LeadScoringService, 'recordEvent'>;
  logger: Logger;
}

export function subscribeLeadEvents({ bus, prisma, scoring, logger, ...tuning }: LeadEventsConsumerDeps): Promise<BusSubscription> {
  return subscribeTuned(bus, tuning, {
    groupId: LEAD_RULES_CONSUMER,
    topics: [topicOf('sales'), topicOf('platform')],
    fromBeginning: true,
    handler: async (event) => {
      const scoreEvent = scoreEventOf(event);
      if (scoreEvent) {
        const applied = await scoring.recordEvent(scoreEvent);
        logger.debug({ eventId: event.id, type: event.type, tenantId: event.tenantId, applied }, 'lead score event consumed');
        return;
      }
      if (event.type.startsWith('platform.user.')) await applyDirectoryEvent(prisma, event);
    },
  });
}
