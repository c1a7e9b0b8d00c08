/** The integration domain services, built once per subgraph and shared by all requests. */
import type { PrismaClient } from './__generated__/prisma/client.ts';
import { createWebhookEndpointsService, type WebhookEndpointsService } from './modules/webhooks/services/webhook-endpoints.ts';

export interface IntegrationServices {
  webhookEndpoints: WebhookEndpointsService;
}

export interface IntegrationServicesDeps {
  prisma: PrismaClient;
  /** 32-byte key that encrypts webhook signing secrets at rest. */
  secretKey: Buffer;
  /** Allow http and private addresses as webhook targets (development and tests only). */
  allowInsecureUrls?: boolean;
  /** Called after each committed write (the outbox relay's `nudge`). */
  onCommit: () => void;
}

export function createIntegrationServices(deps: IntegrationServicesDeps): IntegrationServices {
  return { webhookEndpoints: createWebhookEndpointsService(deps) };
}
