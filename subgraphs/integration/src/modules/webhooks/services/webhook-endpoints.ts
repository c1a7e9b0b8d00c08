/**
 * Webhook endpoints: where a tenant wants its events delivered.
 *
 * Registering returns the signing secret once and stores it encrypted; at most
 * {@link MAX_ENDPOINTS_PER_TENANT} endpoints per tenant. Registration and deletion record
 * `integration.webhook_endpoint.registered` / `.deleted` in the outbox in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import { badInput, notFound } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { WebhookEndpointModel } from '../../../__generated__/prisma/models.ts';
import type { Actor, TenantDb } from '../../../context.ts';
import { isUuid, parseInput } from '../../../lib/validation.ts';
import { isEventPattern, MAX_PATTERNS } from '../lib/event-patterns.ts';
import { assertSecretKey, decryptSecret, encryptSecret, generateSigningSecret, lastFour } from '../lib/secret-box.ts';
import { checkWebhookUrl } from '../lib/webhook-url.ts';

export const MAX_ENDPOINTS_PER_TENANT = 20;
export const WEBHOOK_ENDPOINT_REGISTERED = 'integration.webhook_endpoint.registered';
export const WEBHOOK_ENDPOINT_DELETED = 'integration.webhook_endpoint.deleted';

export interface NewWebhookEndpoint {
  url: string;
  events: string[];
  description?: string | null;
}

/** Payload of `integration.webhook_endpoint.registered` (version 1). Never carries the secret. */
export interface WebhookEndpointRegisteredPayload extends Record<string, unknown> {
  url: string;
  events: string[];
  description: string | null;
}

/** Payload of `integration.webhook_endpoint.deleted` (version 1). */
export interface WebhookEndpointDeletedPayload extends Record<string, unknown> {
  url: string;
}

export interface RegisteredWebhookEndpoint {
  endpoint: WebhookEndpointModel;
  /** The signing secret in clear; returned only here. */
  secret: string;
}

export interface WebhookEndpointsService {
  /** Validates and registers an endpoint; BAD_USER_INPUT names the invalid field or the limit. */
  register(tenantId: string, actor: Actor, input: NewWebhookEndpoint): Promise<RegisteredWebhookEndpoint>;
  /** Deletes an endpoint; NOT_FOUND when the tenant has none with this id. */
  delete(tenantId: string, actor: Actor, id: string): Promise<true>;
  /** The tenant's endpoints, newest first. */
  list(db: TenantDb, options: { first: number }): Promise<WebhookEndpointModel[]>;
  /** The endpoint's signing secret in clear, for signing deliveries. */
  signingSecretOf(endpoint: Pick<WebhookEndpointModel, 'id' | 'tenantId' | 'secretCiphertext'>): string;
}

export interface WebhookEndpointsServiceDeps {
  prisma: PrismaClient;
  /** 32-byte AES-256-GCM key that protects the stored signing secrets. */
  secretKey: Buffer;
  /** Allow http and private addresses (development and tests only). */
  allowInsecureUrls?: boolean;
  /** Called after each committed write (publishes the outbox at once). */
  onCommit: () => void;
}

export function createWebhookEndpointsService(deps: WebhookEndpointsServiceDeps): WebhookEndpointsService {
  const { prisma, secretKey, onCommit } = deps;
  assertSecretKey(secretKey);
  const allowInsecure = deps.allowInsecureUrls === true;

  const endpointInput = z.object({
    url: z.string().transform((value, ctx) => {
      const checked = checkWebhookUrl(value, { allowInsecure });
      if (checked.ok) return checked.url;
      ctx.addIssue({ code: 'custom', message: checked.reason });
      return z.NEVER;
    }),
    events: z
      .array(z.string().trim().refine(isEventPattern, { error: (issue) => `events: "${String(issue.input)}" is not an event type or pattern (e.g. sales.deal.stage_changed, sales.deal.*, *)` }))
      .min(1, 'events must list at least one event type or pattern')
      .max(MAX_PATTERNS, `events may list at most ${MAX_PATTERNS} patterns`)
      .transform((patterns) => [...new Set(patterns)]),
    description: z
      .string()
      .trim()
      .max(500, 'description must be at most 500 characters')
      .nullish()
      .transform((value) => (value ? value : null)),
  });

  return {
    async register(tenantId, actor, input) {
      const data = parseInput(endpointInput, input);
      const id = randomUUID();
      const secret = generateSigningSecret();
      const endpoint = await withTenantTransaction(prisma, tenantId, async (tx) => {
        // Serializes registrations of one tenant so the limit holds under concurrency.
        await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', `webhook-endpoints:${tenantId}`);
        const existing = await tx.webhookEndpoint.count({ where: { tenantId } });
        if (existing >= MAX_ENDPOINTS_PER_TENANT) {
          throw badInput(`A tenant can register at most ${MAX_ENDPOINTS_PER_TENANT} webhook endpoints; delete one first`);
        }
        const created = await tx.webhookEndpoint.create({
          data: {
            id,
            tenantId,
            ...data,
            secretCiphertext: encryptSecret(secretKey, secret, { tenantId, endpointId: id }),
            secretLast4: lastFour(secret),
            createdBy: actor.userId && isUuid(actor.userId) ? actor.userId : null,
          },
        });
        await appendOutbox(
          tx,
          createEvent<WebhookEndpointRegisteredPayload>({
            type: WEBHOOK_ENDPOINT_REGISTERED,
            tenantId,
            actor,
            aggregateId: id,
            payload: { url: created.url, events: created.events, description: created.description },
          }),
        );
        return created;
      });
      onCommit();
      return { endpoint, secret };
    },

    async delete(tenantId, actor, id) {
      if (!isUuid(id)) throw notFound('Webhook endpoint', id);
      await withTenantTransaction(prisma, tenantId, async (tx) => {
        const endpoint = await tx.webhookEndpoint.findFirst({ where: { tenantId, id }, select: { url: true } });
        const { count } = endpoint ? await tx.webhookEndpoint.deleteMany({ where: { tenantId, id } }) : { count: 0 };
        if (!endpoint || count === 0) throw notFound('Webhook endpoint', id);
        await appendOutbox(
          tx,
          createEvent<WebhookEndpointDeletedPayload>({
            type: WEBHOOK_ENDPOINT_DELETED,
            tenantId,
            actor,
            aggregateId: id,
            payload: { url: endpoint.url },
          }),
        );
      });
      onCommit();
      return true;
    },

    list(db, { first }) {
      return db.webhookEndpoint.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: first });
    },

    signingSecretOf(endpoint) {
      return decryptSecret(secretKey, endpoint.secretCiphertext, { tenantId: endpoint.tenantId, endpointId: endpoint.id });
    },
  };
}
