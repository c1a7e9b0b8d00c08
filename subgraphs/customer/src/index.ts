/**
 * The customer subgraph: accounts, contacts and leads of each tenant.
 *
 * `createCustomerSubgraph` wires the Prisma client, domain services, outbox relay and the
 * signed-identity HTTP server; `start` listens and begins publishing events.
 */
import { fileURLToPath } from 'node:url';
import { forTenant, openDatabase, type Database } from '@crm/db';
import { createOutboxRelay, topicOf, type BusSubscription, type EventBus, type OutboxRelay, type ConsumerTuning } from '@crm/events';
import { createSubgraphServer, noRecordDirectory, type Listening, type Logger, type RecordDirectory, type SubgraphServer } from '@crm/runtime';
import { PrismaClient } from './__generated__/prisma/client.ts';
import type { Context } from './context.ts';
import { createLoaders } from './loaders.ts';
import { createDealStepHandler, type DealStepHandler } from './modules/lead-conversion/services/deal-step.ts';
import { subscribeLeadConversion } from './modules/lead-conversion/services/lead-conversion-consumer.ts';
import { createLeadFormRoutes } from './modules/lead-capture/lib/form-routes.ts';
import { subscribeLeadEvents } from './modules/lead-scoring/services/lead-events-consumer.ts';
import { subscribePersonalDataAnswers } from './modules/personal-data/services/personal-data-consumer.ts';
import { createScoreDecayJob, type ScoreDecayJob } from './modules/lead-scoring/services/score-decay-job.ts';
import { createImportRunner, type ImportRunner } from './modules/imports/services/import-runner.ts';
import { createFileRoutes, firstRoute } from './modules/imports/routes.ts';
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
export {
  DEAL_CREATED_FOR_CONVERSION,
  DEAL_FAILED_FOR_CONVERSION,
  LEAD_CONVERSION_FAILED,
  LEAD_CONVERSION_REQUESTED,
  LEAD_CONVERTED,
  InvalidDealStepEventError,
  type LeadConversionFailedPayload,
  type LeadConversionRequestedPayload,
  type LeadConvertedPayload,
} from './modules/lead-conversion/lib/conversion-events.ts';
export { LEAD_CONVERSION_CONSUMER, type DealStepHandler, type DealStepOutcome } from './modules/lead-conversion/services/deal-step.ts';
export type { ConsumerTuning } from '@crm/events';

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
  /** Consumer of the sales events that answer lead conversions. Default: group `customer.lead-conversion`, bus retry defaults. */
  consumer?: ConsumerTuning;
  /** Consumer of sales activities and platform users for lead scoring and assignment. Default: group `customer.lead-rules`. */
  leadRulesConsumer?: ConsumerTuning;
  /** Consumer of the other subgraphs' answers to personal-data erasures. Default: group `customer.personal-data`. */
  personalDataConsumer?: ConsumerTuning;
  /**
   * Whether the users a write names as owners are the tenant's (`gatewayRecordDirectory` asks the
   * gateway's `/internal/records/exist`). Without it every write naming an owner other than the caller is refused.
   */
  records?: RecordDirectory;
}

export interface CustomerSubgraph {
  name: 'customer';
  server: SubgraphServer;
  prisma: PrismaClient;
  /** Domain services; writes take `(tenantId, actor, input)`, handy for seeding. */
  services: CustomerServices;
  relay: OutboxRelay;
  /** Applies the sales subgraph's answers to lead conversions (what the consumer runs). */
  dealSteps: DealStepHandler;
  /** Runs queued CSV imports (started with the subgraph). */
  importRunner: ImportRunner;
  /** Rescores leads whose event points decay, hourly (started with the subgraph). */
  scoreDecay: ScoreDecayJob;
  /** Resolves once the lead-conversion consumer has joined its group (after `start`). */
  consumerReady: Promise<void>;
  /** Listens on `port` (0 = any free port), starts publishing the outbox and consuming sales events. */
  start(port: number, host?: string): Promise<Listening>;
  stop(): Promise<void>;
}

export async function createCustomerSubgraph(deps: CustomerSubgraphDeps): Promise<CustomerSubgraph> {
  const logger = deps.logger;
  const records = deps.records ?? noRecordDirectory;
  const prisma = new PrismaClient({ adapter: deps.database.adapter });
  const relay = createOutboxRelay({ db: prisma, bus: deps.bus, topic: topicOf('customer'), logger });
  const services = createCustomerServices({ prisma, onCommit: () => relay.nudge() });
  const dealSteps = createDealStepHandler({ prisma, logger, onCommit: () => relay.nudge() });

  // CSV uploads, import error reports and exports behind the gateway's /imports and /exports (signed)
  const fileRoutes = createFileRoutes({ prisma, services, signingSecret: deps.signingSecret, logger });
  // Background work (the import runner's polling and batches, the decay job) goes through
  // connections of its own (PostgreSQL), never taking one from requests. PGlite has a single session and shares it.
  const jobsDatabase = deps.database.config.kind === 'postgres' ? await openDatabase({ ...deps.database.config, poolSize: 2 }) : deps.database;
  const jobsPrisma = jobsDatabase === deps.database ? prisma : new PrismaClient({ adapter: jobsDatabase.adapter });
  const importRunner = createImportRunner({ prisma: jobsPrisma, logger, onCommit: () => relay.nudge(), records });
  services.imports.whenQueued(() => importRunner.nudge());
  const scoreDecay = createScoreDecayJob({ prisma: jobsPrisma, scoring: services.leadScoring, logger });

  const server = await createSubgraphServer<Context>({
    name: 'customer',
    modules: customerSchemaModules(),
    signingSecret: deps.signingSecret,
    logger,
    // the gateway's public /forms/<key> endpoint calls these (signed)
    routes: firstRoute(createLeadFormRoutes(services.leadForms, deps.signingSecret), fileRoutes),
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
        records,
        log: logger.child({ requestId: identity.requestId, tenantId }),
      };
    },
  });

  let markReady!: () => void;
  let failReady!: (error: unknown) => void;
  const consumerReady = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  consumerReady.catch(() => undefined); // surfaced to whoever awaits it; never an unhandled rejection

  let started = false;
  let subscription: BusSubscription | undefined;
  let leadEvents: BusSubscription | undefined;
  let erasureAnswers: BusSubscription | undefined;
  return {
    name: 'customer',
    server,
    prisma,
    services,
    relay,
    dealSteps,
    importRunner,
    scoreDecay,
    consumerReady,
    async start(port, host) {
      const listening = await server.listen(port, host);
      if (!started) {
        relay.start();
        importRunner.start();
        scoreDecay.start();
        try {
          subscription = await subscribeLeadConversion({ bus: deps.bus, handler: dealSteps, logger, ...deps.consumer });
          leadEvents = await subscribeLeadEvents({ bus: deps.bus, prisma, scoring: services.leadScoring, logger, ...deps.leadRulesConsumer });
          erasureAnswers = await subscribePersonalDataAnswers({ bus: deps.bus, service: services.personalData, logger, ...deps.personalDataConsumer });
          Promise.all([subscription.ready, leadEvents.ready, erasureAnswers.ready]).then(() => markReady(), failReady);
        } catch (error) {
          failReady(error);
          throw error;
        }
      }
      started = true;
      return listening;
    },
    async stop() {
      await importRunner.stop();
      await scoreDecay.stop();
      await subscription?.stop();
      subscription = undefined;
      await leadEvents?.stop();
      leadEvents = undefined;
      await erasureAnswers?.stop();
      erasureAnswers = undefined;
      await server.stop();
      if (started) await relay.stop();
      started = false;
      await prisma.$disconnect();
      if (jobsPrisma !== prisma) await jobsPrisma.$disconnect();
      if (jobsDatabase !== deps.database) await jobsDatabase.close();
    },
  };
}
