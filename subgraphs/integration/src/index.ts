/**
 * The integration subgraph: webhook endpoints each tenant registers to receive its events.
 *
 * `createIntegrationSubgraph` wires the Prisma client, domain services, outbox relay and the
 * signed-identity HTTP server; `start` listens and begins publishing events.
 */
import { fileURLToPath } from 'node:url';
import { forTenant, type Database } from '@crm/db';
import { createOutboxRelay, topicOf, type EventBus, type OutboxRelay } from '@crm/events';
import { createSubgraphServer, type Listening, type Logger, type SubgraphServer } from '@crm/runtime';
import { PrismaClient } from './__generated__/prisma/client.ts';
import type { Context } from './context.ts';
import { createLoaders } from './loaders.ts';
import { integrationSchemaModules } from './schema.ts';
import { createIntegrationServices, type IntegrationServices } from './services.ts';

export type { Actor, Context, TenantDb } from './context.ts';
export type { IntegrationServices } from './services.ts';
export type {
  NewWebhookEndpoint,
  RegisteredWebhookEndpoint,
  WebhookEndpointDeletedPayload,
  WebhookEndpointRegisteredPayload,
} from './modules/webhooks/services/webhook-endpoints.ts';
export {
  MAX_ENDPOINTS_PER_TENANT,
  WEBHOOK_ENDPOINT_DELETED,
  WEBHOOK_ENDPOINT_REGISTERED,
} from './modules/webhooks/services/webhook-endpoints.ts';
export { matchesAnyPattern, matchesEventPattern } from './modules/webhooks/lib/event-patterns.ts';

/** Absolute paths of the Prisma schema and migrations, for `Database.migrate`. */
export const integrationPaths: { schemaPath: string; migrationsDir: string } = {
  schemaPath: fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url)),
  migrationsDir: fileURLToPath(new URL('../prisma/migrations', import.meta.url)),
};

export interface IntegrationSubgraphDeps {
  /** From `openDatabase()`, already migrated. */
  database: Database;
  bus: EventBus;
  /** Secret the gateway signs identity headers with. */
  signingSecret: string;
  logger: Logger;
  /** 32-byte AES-256-GCM key that encrypts webhook signing secrets at rest. */
  secretKey: Buffer;
  /** Accept http and private/loopback webhook URLs (development and tests only). Default false. */
  allowInsecureUrls?: boolean;
}

export interface IntegrationSubgraph {
  name: 'integration';
  server: SubgraphServer;
  prisma: PrismaClient;
  /** Domain services; writes take `(tenantId, actor, input)`, handy for seeding. */
  services: IntegrationServices;
  relay: OutboxRelay;
  /** Listens on `port` (0 = any free port) and starts publishing the outbox. */
  start(port: number, host?: string): Promise<Listening>;
  stop(): Promise<void>;
}

export async function createIntegrationSubgraph(deps: IntegrationSubgraphDeps): Promise<IntegrationSubgraph> {
  const logger = deps.logger;
  const prisma = new PrismaClient({ adapter: deps.database.adapter });
  const relay = createOutboxRelay({ db: prisma, bus: deps.bus, topic: topicOf('integration'), logger });
  const services = createIntegrationServices({
    prisma,
    secretKey: deps.secretKey,
    allowInsecureUrls: deps.allowInsecureUrls ?? false,
    onCommit: () => relay.nudge(),
  });

  const server = await createSubgraphServer<Context>({
    name: 'integration',
    modules: integrationSchemaModules(),
    signingSecret: deps.signingSecret,
    logger,
    ready: async () => {
      await prisma.$queryRawUnsafe('SELECT 1');
      return true;
    },
    createContext: (identity) => {
      const tenantId = identity.tenantId;
      const db = tenantId ? forTenant(prisma, tenantId) : null;
      return {
        identity,
        tenantId,
        db,
        prisma,
        loaders: createLoaders(db),
        services,
        log: logger.child({ requestId: identity.requestId, tenantId }),
      };
    },
  });

  let started = false;
  return {
    name: 'integration',
    server,
    prisma,
    services,
    relay,
    async start(port, host) {
      const listening = await server.listen(port, host);
      if (!started) relay.start();
      started = true;
      return listening;
    },
    async stop() {
      await server.stop();
      if (started) await relay.stop();
      started = false;
      await prisma.$disconnect();
    },
  };
}
