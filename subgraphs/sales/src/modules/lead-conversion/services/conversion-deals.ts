/**
 * The deal step of a lead conversion: on `customer.lead.conversion_requested` with a deal, the
 * deal is created through the deal service (same rules as `createDeal`) with the conversion's
 * account, its contact is linked, and `sales.lead_conversion.deal_created` {conversionId, dealId}
 * is appended to the outbox. A deal the service refuses (unknown pipeline, stage of another
 * pipeline, bad amount...) is answered with `sales.lead_conversion.deal_failed` {conversionId, reason}.
 *
 * Exactly one deal per conversion, however often the request is delivered: the deal's id is derived
 * from the conversion (`dealIdForConversion`), an attempt that finds it already there does not create
 * it again, and the answer is written once, with a `LeadConversionDeal` row keyed by the conversion id.
 */
import { forTenant, withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent, markProcessed, type EventEnvelope } from '@crm/events';
import type { Logger } from '@crm/runtime';
import { GraphQLError } from 'graphql';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import { createDealPeopleService } from '../../deal-people/services/deal-people.ts';
import { createDealService, type DealService } from '../../deals/services/deals.ts';
import {
  dealIdForConversion,
  LEAD_CONVERSION_DEAL_CREATED,
  LEAD_CONVERSION_DEAL_FAILED,
  parseConversionRequest,
  type ConversionDealCreatedPayload,
  type ConversionDealFailedPayload,
  type ConversionRequest,
} from '../lib/conversion-request.ts';

/** Consumer group and processed-event namespace of the saga's sales side. */
export const LEAD_CONVERSION_DEALS_CONSUMER = 'sales.lead-conversion';

/**
 * - `created`: the deal exists and `deal_created` was written
 * - `failed`: the deal was refused and `deal_failed` was written
 * - `duplicate`: the conversion was answered before; nothing changed
 * - `ignored`: not a conversion request with a deal
 */
export type ConversionDealOutcome = 'created' | 'failed' | 'duplicate' | 'ignored';

export interface ConversionDealHandler {
  /** Applies one customer event. Throws `InvalidConversionRequestError` for a malformed request. */
  apply(event: EventEnvelope): Promise<ConversionDealOutcome>;
}

export interface ConversionDealDeps {
  prisma: PrismaClient;
  logger: Logger;
  /** Called after a transaction that appended outbox events has committed. */
  eventsCommitted: () => void;
}

const isBadInput = (error: unknown): error is GraphQLError => error instanceof GraphQLError && error.extensions.code === 'BAD_USER_INPUT';

export function createConversionDealHandler({ prisma, logger, eventsCommitted }: ConversionDealDeps): ConversionDealHandler {
  const dealPeople = createDealPeopleService({ prisma, eventsCommitted });

  /** The deal service, with the one deal it creates given the id `dealId`. */
  function dealsCreating(dealId: string): DealService {
    const pinned = prisma.$extends({
      query: {
        deal: {
          create: ({ args, query }) => query({ ...args, data: { ...args.data, id: dealId } as typeof args.data }),
        },
      },
    });
    return createDealService({ prisma: pinned as unknown as PrismaClient, eventsCommitted });
  }

  /** Creates the deal unless an earlier attempt did; the refusal's message when the deal service refuses it. */
  async function createDeal(request: ConversionRequest, dealId: string): Promise<string | null> {
    const existing = await forTenant(prisma, request.tenantId).deal.findFirst({ where: { id: dealId }, select: { id: true } });
    if (!existing) {
      try {
        await dealsCreating(dealId).create(request.tenantId, request.actor, { ...request.deal, accountId: request.accountId });
      } catch (error) {
        if (isBadInput(error)) return error.message;
        throw error;
      }
    }
    if (request.contactId) {
      await dealPeople.addContact(request.tenantId, request.actor, dealId, { contactId: request.contactId, role: null, isPrimary: true });
    }
    return null;
  }

  return {
    async apply(event) {
      const request = parseConversionRequest(event);
      if (!request) return 'ignored';
      const answered = await forTenant(prisma, request.tenantId).leadConversionDeal.findFirst({ where: { conversionId: request.conversionId } });
      if (answered) return 'duplicate';

      const dealId = dealIdForConversion(request.tenantId, request.conversionId);
      const failure = await createDeal(request, dealId);
      const outcome = await withTenantTransaction(prisma, request.tenantId, async (tx): Promise<ConversionDealOutcome> => {
        await markProcessed(tx, LEAD_CONVERSION_DEALS_CONSUMER, request.eventId);
        const recorded = await tx.$executeRaw`
          INSERT INTO "LeadConversionDeal" ("conversionId", "tenantId", "dealId", "failureReason")
          VALUES (${request.conversionId}::uuid, ${request.tenantId}::uuid, ${failure === null ? dealId : null}::uuid, ${failure})
          ON CONFLICT ("conversionId") DO NOTHING`;
        if (recorded === 0) return 'duplicate';
        const actor: EventEnvelope['actor'] = { userId: null, kind: 'system' };
        await appendOutbox(
          tx,
          failure === null
            ? createEvent<ConversionDealCreatedPayload>({
                type: LEAD_CONVERSION_DEAL_CREATED,
                tenantId: request.tenantId,
                actor,
                aggregateId: request.conversionId,
                payload: { conversionId: request.conversionId, dealId },
              })
            : createEvent<ConversionDealFailedPayload>({
                type: LEAD_CONVERSION_DEAL_FAILED,
                tenantId: request.tenantId,
                actor,
                aggregateId: request.conversionId,
                payload: { conversionId: request.conversionId, reason: failure },
              }),
        );
        return failure === null ? 'created' : 'failed';
      });
      if (outcome !== 'duplicate') eventsCommitted();
      logger.debug({ eventId: request.eventId, conversionId: request.conversionId, tenantId: request.tenantId, dealId, outcome }, 'lead conversion deal step');
      return outcome;
    },
  };
}
