/**
 * The sales subgraph: pipelines, their stages, the deals moving through them (with their stage
 * history, won/lost lifecycle and the board journal clients catch up from) and the activities
 * about deals and other records — the data behind the live pipeline board.
 *
 * `createSalesSubgraph` wires the database, the outbox relay that publishes sales events
 * (topic `crm.sales.events`) and the GraphQL server. Both the standalone deployable (`main.ts`)
 * and the all-in-one start use it; tests use `services` to seed data.
 */
import { fileURLToPath } from 'node:url';
import { forTenant, openDatabase, type Database } from '@crm/db';
import { createOutboxRelay, topicOf, type BusSubscription, type EventBus, type OutboxRelay, type ConsumerTuning } from '@crm/events';
import { createSubgraphServer, HttpError, type Identity, type Listening, type Logger, type SubgraphServer } from '@crm/runtime';
import { PrismaClient } from './__generated__/prisma/client.ts';
import type { Context } from './context.ts';
import { createLoaders } from './loaders.ts';
import { isId } from './modules/common/lib/input.ts';
import { boardOrder } from './modules/deals/lib/board-order.ts';
import { createConversionDealHandler, type ConversionDealHandler } from './modules/lead-conversion/services/conversion-deals.ts';
import { createForecastSnapshotJob, type ForecastSnapshotJob } from './modules/forecasting/services/snapshot-job.ts';
import { subscribeConversionDeals } from './modules/lead-conversion/services/conversion-deals-consumer.ts';
import { createRecordMergeHandler, type RecordMergeHandler } from './modules/record-merges/services/record-merges.ts';
import { subscribeRecordMerges } from './modules/record-merges/services/record-merges-consumer.ts';
import { subscribeSalesPersonalData } from './modules/personal-data/services/personal-data-consumer.ts';
import { createReminderJob, type ReminderJob } from './modules/activities/services/reminder-job.ts';
import { salesSchemaModules } from './schema.ts';
import { createSalesServices, type SalesServices } from './services.ts';
import type { TeamDirectory } from './modules/forecasting/lib/team-directory.ts';
import { noRecordDirectory, type RecordDirectory } from '@crm/runtime';

export type { Actor, Context, TenantDb } from './context.ts';
export type { SalesServices } from './services.ts';
export type {
  AddStageInput,
  CreatePipelineInput,
  UpdateStageInput,
  StageInput,
  StageSnapshot,
  PipelineCreatedPayload,
  PipelineStagesChangedPayload,
} from './modules/pipelines/services/pipelines.ts';
export type { BoardChangeType } from './modules/pipelines/services/board-sequence.ts';
export type { ActivityEventPayload, CreateActivityInput } from './modules/activities/services/activities.ts';
export type { CreateDealInput, UpdateDealInput } from './modules/deals/services/deals.ts';
export {
  DealEventType,
  type DealChanges,
  type DealCreatedPayload,
  type DealLifecyclePayload,
  type DealStageChangedPayload,
  type DealUpdatedPayload,
} from './modules/deals/lib/deal-events.ts';
export { CURRENCY_EXPONENTS, formatAmount, parseAmount } from './modules/deals/lib/money.ts';
export {
  dealIdForConversion,
  InvalidConversionRequestError,
  LEAD_CONVERSION_DEAL_CREATED,
  LEAD_CONVERSION_DEAL_FAILED,
  type ConversionDealCreatedPayload,
  type ConversionDealFailedPayload,
} from './modules/lead-conversion/lib/conversion-request.ts';
export { LEAD_CONVERSION_DEALS_CONSUMER, type ConversionDealHandler, type ConversionDealOutcome } from './modules/lead-conversion/services/conversion-deals.ts';
export { RECORD_MERGES_CONSUMER, type RecordMergeHandler, type RecordMergeOutcome, type ReferencesMovedPayload } from './modules/record-merges/services/record-merges.ts';
export type { ConsumerTuning } from '@crm/events';
export { platformTeamDirectory, type TeamDirectory, type TeamMembers } from './modules/forecasting/lib/team-directory.ts';
export type { ActivityModel, BoardChangeModel, DealModel, DealStageChangeModel, PipelineModel, StageModel } from './__generated__/prisma/models.ts';
export { PrismaClient };

/** Absolute paths of the Prisma schema and migrations (for `Database.migrate`). */
export const salesPaths: { schemaPath: string; migrationsDir: string } = {
  schemaPath: fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url)),
  migrationsDir: fileURLToPath(new URL('../prisma/migrations', import.meta.url)),
};

export interface SalesSubgraphDeps {
  /** From `openDatabase()`, already migrated with `salesPaths`. Closed by the caller. */
  database: Database;
  bus: EventBus;
  /** Secret the gateway signs identity headers with. */
  signingSecret: string;
  logger: Logger;
  /** Consumer of the customer events that ask for lead-conversion deals. Default: group `sales.lead-conversion`, bus retry defaults. */
  consumer?: ConsumerTuning;
  /** Consumer of the customer merge events (references move to the survivor). Default: group `sales.record-merges`. */
  mergeConsumer?: ConsumerTuning;
  /** Consumer of the customer's personal-data erasure requests. Default: group `sales.personal-data`. */
  personalDataConsumer?: ConsumerTuning;
  /** How often due activity reminders are looked for, ms. Default 5 000. */
  reminderIntervalMs?: number;
  /**
   * Every team of a tenant with its members, for forecasts grouped by team across the tenant
   * (`platformTeamDirectory` asks the platform). Without it such forecasts show the caller's own team.
   */
  teams?: TeamDirectory;
  /**
   * Tells whether the accounts, contacts, leads and users a write references are the tenant's
   * (`gatewayRecordDirectory` asks the gateway's `/internal/records/exist`). Without it every such
   * reference is refused (`noRecordDirectory`): a deal can still be written without an account.
   */
  records?: RecordDirectory;
}

export interface SalesSubgraph {
  name: 'sales';
  server: SubgraphServer;
  prisma: PrismaClient;
  services: SalesServices;
  /** Publishes committed sales events; `flush()` waits until all are out. */
  relay: OutboxRelay;
  /** Creates the deals lead conversions ask for (what the consumer runs). */
  conversionDeals: ConversionDealHandler;
  /** Moves deal and activity references when customer records are merged (what the merge consumer runs). */
  recordMerges: RecordMergeHandler;
  /** Sends due activity reminders; runs from `start` to `stop`. */
  reminders: ReminderJob;
  /** Resolves once the lead-conversion and merge consumers have joined their groups (after `start`). */
  consumerReady: Promise<void>;
  /**
   * Daily forecast snapshots: the standalone process (main.ts) runs the job hourly; `take`
   * snapshots one tenant on demand (forecast reads do so when today's is missing).
   */
  forecastSnapshots: ForecastSnapshotJob;
  /** Listens on `port` (0 = any free port), starts publishing events and consuming conversion requests. */
  start(port: number, host?: string): Promise<Listening>;
  /** Stops serving and publishing and disconnects Prisma (the database itself stays open). */
  stop(): Promise<void>;
}

export async function createSalesSubgraph(deps: SalesSubgraphDeps): Promise<SalesSubgraph> {
  const logger = deps.logger.child({ subgraph: 'sales' });
  const prisma = new PrismaClient({ adapter: deps.database.adapter });
  const relay = createOutboxRelay({ db: prisma, bus: deps.bus, topic: topicOf('sales'), orderingKey: boardOrder, logger });
  const services = createSalesServices({ prisma, eventsCommitted: () => relay.nudge() });
  const conversionDeals = createConversionDealHandler({ prisma, logger, eventsCommitted: () => relay.nudge() });
  const recordMerges = createRecordMergeHandler({ prisma, logger, eventsCommitted: () => relay.nudge() });
  // Background jobs read through a connection of their own (PostgreSQL), so their polling never
  // takes a connection from requests. PGlite has a single session and shares it.
  const jobsDatabase = deps.database.config.kind === 'postgres' ? await openDatabase({ ...deps.database.config, poolSize: 1 }) : deps.database;
  const jobsPrisma = jobsDatabase === deps.database ? prisma : new PrismaClient({ adapter: jobsDatabase.adapter });
  const reminders = createReminderJob({
    prisma: jobsPrisma,
    logger,
    eventsCommitted: () => relay.nudge(),
    ...(deps.reminderIntervalMs ? { intervalMs: deps.reminderIntervalMs } : {}),
  });
  const forecastSnapshots = createForecastSnapshotJob({ prisma: jobsPrisma, logger });

  const createContext = (identity: Identity): Context => {
    const tenantId = identity.tenantId;
    if (tenantId !== null && !isId(tenantId)) throw new HttpError(401, 'UNAUTHENTICATED', 'The identity names no valid tenant');
    const db = tenantId === null ? null : forTenant(prisma, tenantId);
    return {
      identity,
      tenantId,
      db,
      prisma,
      loaders: createLoaders({ tenantId, db, prisma }),
      services,
      log: logger.child({ requestId: identity.requestId, tenantId }),
      ...(deps.teams ? { teams: deps.teams } : {}),
      records: deps.records ?? noRecordDirectory,
    };
  };

  const server = await createSubgraphServer<Context>({
    name: 'sales',
    modules: salesSchemaModules(),
    signingSecret: deps.signingSecret,
    createContext,
    ready: async () => {
      await prisma.$queryRaw`SELECT 1`;
      return true;
    },
    logger,
  });

  let markReady!: () => void;
  let failReady!: (error: unknown) => void;
  const consumerReady = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  consumerReady.catch(() => undefined); // surfaced to whoever awaits it; never an unhandled rejection

  let started = false;
  let subscriptions: BusSubscription[] = [];
  return {
    name: 'sales',
    server,
    prisma,
    services,
    relay,
    conversionDeals,
    recordMerges,
    reminders,
    consumerReady,
    forecastSnapshots,
    async start(port, host) {
      const listening = await server.listen(port, host);
      if (!started) {
        relay.start();
        reminders.start();
        try {
          subscriptions = [
            await subscribeConversionDeals({ bus: deps.bus, handler: conversionDeals, logger, ...deps.consumer }),
            await subscribeRecordMerges({ bus: deps.bus, handler: recordMerges, logger, ...deps.mergeConsumer }),
            await subscribeSalesPersonalData({ bus: deps.bus, handler: services.personalData, logger, ...deps.personalDataConsumer }),
          ];
          Promise.all(subscriptions.map((subscription) => subscription.ready)).then(() => markReady(), failReady);
        } catch (error) {
          failReady(error);
          throw error;
        }
      }
      started = true;
      return listening;
    },
    async stop() {
      await Promise.all(subscriptions.map((subscription) => subscription.stop()));
      subscriptions = [];
      await server.stop();
      await reminders.stop();
      if (started) await relay.stop();
      await forecastSnapshots.stop();
      started = false;
      await prisma.$disconnect();
      if (jobsPrisma !== prisma) await jobsPrisma.$disconnect();
      if (jobsDatabase !== deps.database) await jobsDatabase.close();
    },
  };
}
