/**
 * The customer subgraph: accounts, contacts and leads of each tenant.
 *
 * `createCustomerSubgraph` wires the Prisma client, domain services, outbox relay and the
 * signed-identity HTTP server; `start` listens and begins publishing events.
 */
import { fileURLToPath } from 'node:url';
import { forTenant, type Database } from '@crm/db';
import { createOutboxRelay, topicOf, type EventBus, type OutboxRelay } from '@crm/events';
import { createSubgraphServer, type Listening, type Logger, type SubgraphServer } from '@crm/runtime';
import { PrismaClient } from './__generated__/prisma/client.ts';
import type { Context } from './context.ts';
import { createLoaders } from './loaders.ts';
import { customerSchemaModules } from './schema.ts';
import { createCustomerServices, type CustomerServices } from './services.ts';

export type { Actor, Context, TenantDb } from './context.ts';
export type { CustomerServices } from './services.ts';
export type { NewAccount, AccountCreatedPayload } from './modules/accounts/services/accounts.ts';
export type { NewContact, ContactCreatedPayload } from './modules/contacts/services/contacts.ts';
export type { NewLead, LeadCreatedPayload } from './modules/leads/services/leads.ts';
export { ACCOUNT_CREATED } from './modules/accounts/services/accounts.ts';
export { CONTACT_CREATED } from './modules/contacts/services/contacts.ts';
export { LEAD_CREATED } from './modules/leads/services/leads.ts';
export { ACCOUNT_UPDATED } from './modules/accounts/services/accounts.ts';
export { CONTACT_UPDATED, CONTACT_RELATED, CONTACT_UNRELATED } from './modules/contacts/services/contacts.ts';
export { ACCOUNT_MERGED, ACCOUNT_MERGE_UNDONE, type AccountMergedPayload } from './modules/accounts/services/merge.ts';
export { CONTACT_MERGED, CONTACT_MERGE_UNDONE, type ContactMergedPayload } from './modules/contacts/services/merge.ts';

/** Absolute paths of the Prisma schema and migrations, for `Database.migrate`. */
export const customerPaths: { schemaPath: string; migrationsDir: string } = {
  schemaPath: fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url)),
  migrationsDir: fileURLToPath(new URL('../prisma/migrations', import.meta.url)),
};

export interface CustomerSubgraphDeps {
  /** From `openDatabase()`, already migrated. */
  database: Database;
  bus: EventBus;
  /** Secret the gateway signs identity headers with. */
  signingSecret: string;
  logger: Logger;
}

export interface CustomerSubgraph {
  name: 'customer';
  server: SubgraphServer;
  prisma: PrismaClient;
  /** Domain services; writes take `(tenantId, actor, input)`, handy for seeding. */
  services: CustomerServices;
  relay: OutboxRelay;
  /** Listens on `port` (0 = any free port) and starts publishing the outbox. */
  start(port: number, host?: string): Promise<Listening>;
  stop(): Promise<void>;
}

export async function createCustomerSubgraph(deps: CustomerSubgraphDeps): Promise<CustomerSubgraph> {
  const logger = deps.logger;
  const prisma = new PrismaClient({ adapter: deps.database.adapter });
  const relay = createOutboxRelay({ db: prisma, bus: deps.bus, topic: topicOf('customer'), logger });
  const services = createCustomerServices({ prisma, onCommit: () => relay.nudge() });

  const server = await createSubgraphServer<Context>({
    name: 'customer',
    modules: customerSchemaModules(),
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
    name: 'customer',
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
