/**
 * The e-mail sender: a background job that delivers the e-mails queued in `OutboundEmail`.
 *
 * Every `intervalMs` it claims due e-mails across tenants (`platform_claim_outbound_emails`:
 * `FOR UPDATE SKIP LOCKED`, so several senders — replicas — claim disjoint sets) under a lease of
 * its own (`leaseToken`, `leaseUntil`), renders each, and hands it to the transport. Then, in the
 * e-mail's tenant and only while its lease is still the one it claimed with, it records the outcome:
 *
 * - accepted: SENT with the server's message id; the body values (which may hold a one-time link) are emptied;
 * - temporary failure (4xx reply, connection refused, timeout): PENDING again, due after an
 *   exponential backoff, until `maxAttempts` attempts were made, then FAILED;
 * - permanent failure (5xx reply, a template that cannot be rendered): FAILED at once, emptied.
 *
 * A claimed e-mail is never claimed again while its lease runs (5 minutes by default, far beyond
 * the transport's timeouts), so two senders never send the same e-mail. A sender that dies while
 * holding a lease leaves the e-mail SENDING until the lease passes; it is then claimed again (and
 * sent with the same Message-ID). The job runs on its own database pool.
 */
import { randomUUID } from 'node:crypto';
import { withTenantTransaction } from '@crm/db';
import { intervalJob, type IntervalJob, type Logger } from '@crm/runtime';
import type { Prisma, PrismaClient } from '../../../__generated__/prisma/client.ts';
import { backoffDelay, classifyFailure, type BackoffOptions, type DeliveryFailure } from '../lib/delivery.ts';
import { renderEmail, TemplateError } from '../lib/templates.ts';
import type { MailTransport } from './mail-transport.ts';

export interface EmailSenderOptions {
  /** A client of the sender's own pool. */
  prisma: PrismaClient;
  transport: MailTransport;
  logger: Logger;
  /** The From address, e.g. `CRM <no-reply@crm.example.com>`. */
  from: string;
  /** Public URL of the web app, for the links in e-mails. */
  appUrl: string;
  /** Default 2 000 ms. */
  intervalMs?: number;
  /** E-mails claimed per run. Default 50. */
  batchSize?: number;
  /** Attempts before a temporarily failing e-mail is given up (FAILED). Default 6. */
  maxAttempts?: number;
  /** Delay after the first failure, doubled after each next one. Default 30 s, at most 1 h. */
  backoff?: BackoffOptions;
  /** How long a claim holds an e-mail. Default 5 minutes. */
  leaseMs?: number;
  clock?: () => Date;
}

/** What one run did, by e-mail id. `lost`: the lease had passed and another sender took the e-mail over. */
export interface DeliveryRun {
  sent: string[];
  retried: string[];
  failed: string[];
  lost: string[];
}

export interface EmailSender extends IntervalJob {
  /** Claims and delivers the e-mails due now (at most `batchSize`). */
  runOnce(): Promise<DeliveryRun>;
}

interface Claimed {
  id: string;
  tenantId: string;
  to: string;
  template: string;
  data: unknown;
  attempts: number;
}

type Outcome = { kind: 'sent'; providerMessageId: string } | { kind: 'retry'; failure: DeliveryFailure } | { kind: 'failed'; failure: DeliveryFailure };

export const EMAIL_SENDER_DEFAULTS = {
  intervalMs: 2_000,
  batchSize: 50,
  maxAttempts: 6,
  backoff: { baseMs: 30_000, maxMs: 60 * 60_000 },
  leaseMs: 5 * 60_000,
} as const;

export function createEmailSender(options: EmailSenderOptions): EmailSender {
  const { prisma, transport, logger, from, appUrl } = options;
  const clock = options.clock ?? (() => new Date());
  const batchSize = options.batchSize ?? EMAIL_SENDER_DEFAULTS.batchSize;
  const maxAttempts = options.maxAttempts ?? EMAIL_SENDER_DEFAULTS.maxAttempts;
  const backoff = options.backoff ?? EMAIL_SENDER_DEFAULTS.backoff;
  const leaseMs = options.leaseMs ?? EMAIL_SENDER_DEFAULTS.leaseMs;
  const base = appUrl.replace(/\/+$/, '');

  async function deliver(email: Claimed): Promise<Outcome> {
    let rendered;
    try {
      rendered = renderEmail(email.template, email.data, { appUrl: base });
    } catch (error) {
      if (error instanceof TemplateError) return { kind: 'failed', failure: { kind: 'permanent', message: `cannot render: ${error.message}` } };
      throw error;
    }
    try {
      const { providerMessageId } = await transport.send({ id: email.id, from, to: email.to, ...rendered });
      return { kind: 'sent', providerMessageId };
    } catch (error) {
      const failure = classifyFailure(error);
      return failure.kind === 'temporary' && email.attempts < maxAttempts ? { kind: 'retry', failure } : { kind: 'failed', failure };
    }
  }

  function changesOf(email: Claimed, outcome: Outcome, now: Date): Prisma.OutboundEmailUpdateManyMutationInput {
    const released = { leaseToken: null, leaseUntil: null };
    switch (outcome.kind) {
      case 'sent':
        return { ...released, status: 'SENT', sentAt: now, providerMessageId: outcome.providerMessageId, lastError: null, data: {} };
      case 'retry':
        return { ...released, status: 'PENDING', lastError: outcome.failure.message, nextAttemptAt: new Date(now.getTime() + backoffDelay(email.attempts, backoff)) };
      case 'failed':
        return { ...released, status: 'FAILED', failedAt: now, lastError: outcome.failure.message, data: {} };
    }
  }

  const runOnce = async (): Promise<DeliveryRun> => {
    const token = randomUUID();
    const claimed = await prisma.$queryRaw<Claimed[]>`
      SELECT "id"::text AS "id", "tenantId"::text AS "tenantId", "to", "template", "data", "attempts"
      FROM platform_claim_outbound_emails(${clock()}::timestamptz, ${batchSize}::int, ${leaseMs}::int, ${token}::uuid)`;
    const run: DeliveryRun = { sent: [], retried: [], failed: [], lost: [] };
    for (const email of claimed) {
      const outcome = await deliver(email);
      const recorded = await withTenantTransaction(prisma, email.tenantId, (tx) =>
        tx.outboundEmail.updateMany({ where: { id: email.id, leaseToken: token, status: 'SENDING' }, data: changesOf(email, outcome, clock()) }),
      );
      const log = { emailId: email.id, tenantId: email.tenantId, template: email.template, attempts: email.attempts };
      if (recorded.count === 0) {
        run.lost.push(email.id);
        logger.warn(log, 'e-mail lease passed before its outcome was recorded');
      } else if (outcome.kind === 'sent') {
        run.sent.push(email.id);
        logger.info({ ...log, providerMessageId: outcome.providerMessageId }, 'e-mail sent');
      } else if (outcome.kind === 'retry') {
        run.retried.push(email.id);
        logger.warn({ ...log, error: outcome.failure.message }, 'e-mail delivery failed; will retry');
      } else {
        run.failed.push(email.id);
        logger.warn({ ...log, error: outcome.failure.message }, 'e-mail delivery failed for good');
      }
    }
    return run;
  };

  const job = intervalJob(() => runOnce(), {
    intervalMs: options.intervalMs ?? EMAIL_SENDER_DEFAULTS.intervalMs,
    logger,
    failure: 'e-mail delivery run failed',
    immediately: true,
  });
  return {
    ...job,
    runOnce,
    async stop() {
      await job.stop();
      transport.close();
    },
  };
}
