/**
 * The analytics subgraph: read models built from other domains' events, served through
 * federation. Today it holds the pipeline summary (deal count and value per stage), fed by the
 * sales events and contributed to the supergraph as `Pipeline.summary` and `Query.pipelineSummary`,
 * and the tenants' named persisted queries that BI tools run through the gateway's `/bi` route.
 */
import { fileURLToPath } from 'node:url';
import type { Database } from '@crm/db';
import { createOutboxRelay, topicOf, type BusSubscription, type EventBus, type ConsumerTuning } from '@crm/events';
import { createSubgraphServer, type Listening, type Logger, type SubgraphServer } from '@crm/runtime';
import { PrismaClient } from './__generated__/prisma/client.ts';
import { createContext, type Context } from './context.ts';
import { subscribePipelineSummary } from './modules/pipeline-summary/services/pipeline-summary-consumer.ts';
import { schemaModules } from './schema.ts';
import { createServices, type Services } from './services.ts';

export type { Context } from './context.ts';
export type { Services } from './services.ts';
export type { PipelineSummaryModel, StageSummaryModel, CurrencyAmountModel } from './modules/pipeline-summary/lib/summary.ts';
export type { ApplyOutcome } from './modules/pipeline-summary/services/deal-projection.ts';
export { PIPELINE_SUMMARY_CONSUMER } from './modules/pipeline-summary/services/deal-projection.ts';
export { canManagePersistedQueries, PERSISTED_QUERY_DELETED, PERSISTED_QUERY_REGISTERED, type PersistedQueriesService } from './modules/saved-queries/services/persisted-queries.ts';
export { checkDocument, type CheckedDocument } from './modules/saved-queries/lib/document.ts';
export { InvalidEventError } from './modules/pipeline-summary/lib/sales-events.ts';
export type { ConsumerTuning } from '@crm/events';

/** Absolute paths of the Prisma schema and migrations, for `Database.migrate`. */
export const analyticsPaths: { schemaPath: string; migrationsDir: string } = {
  schemaPath: fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url)),
  migrationsDir: fileURLToPath(new URL('../prisma/migrations', import.meta.url)),
};

export interface AnalyticsSubgraphDeps {
  /** From `openDatabase()`, already migrated. Owned by the caller (not closed by `stop`). */
  database: Database;
  bus: EventBus;
  signingSecret: string;
  logger: Logger;
  /** Retry settings of the sales-event consumer. Default: the bus defaults. */
  consumer?: ConsumerTuning;
}

export interface AnalyticsSubgraph {
  name: 'analytics';
  server: SubgraphServer;
  prisma: PrismaClient;
  services: Services;
  /** Resolves once the sales-event consumer has joined its group (after `start`). */
  consumerReady: Promise<void>;
  /** Listens on `port` (0 = any free port), starts the outbox relay and the event consumer. */
  start(port: number, host?: string): Promise<Listening>;
  /** Stops consuming, drains the relay, stops the server and disconnects Prisma. */
  stop(): Promise<void>;
}

export async function createAnalyticsSubgraph(deps: AnalyticsSubgraphDeps): Promise<AnalyticsSubgraph> {
  const logger = deps.logger.child({ subgraph: 'analytics' });
  const prisma = new PrismaClient({ adapter: deps.database.adapter });
  const relay = createOutboxRelay({ db: prisma, bus: deps.bus, topic: topicOf('analytics'), logger });
  const services = createServices({ prisma, logger, onCommit: () => relay.nudge() });

  const server = await createSubgraphServer<Context>({
    name: 'analytics',
    events: deps.bus,
    modules: schemaModules(),
    signingSecret: deps.signingSecret,
    logger,
    createContext: (identity) => createContext({ identity, prisma, services, logger }),
    ready: async () => {
      await prisma.$queryRaw`SELECT 1`;
      return true;
    },
  });

  let markReady!: () => void;
  let failReady!: (error: unknown) => void;
  const consumerReady = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  consumerReady.catch(() => undefined); // surfaced to whoever awaits it; never an unhandled rejection

  let subscription: BusSubscription | undefined;
  let started = false;
  let stopping: Promise<void> | undefined;

  return {
    name: 'analytics',
    server,
    prisma,
    services,
    consumerReady,
    async start(port, host) {
      if (started) throw new Error('analytics subgraph already started');
      started = true;
      const listening = await server.listen(port, host);
      relay.start();
      try {
        subscription = await subscribePipelineSummary({ bus: deps.bus, projection: services.projection, logger, ...deps.consumer });
        subscription.ready.then(markReady, failReady);
      } catch (error) {
        failReady(error);
        throw error;
      }
      return listening;
    },
    stop() {
      stopping ??= (async () => {
        await subscription?.stop();
        await relay.stop();
        await server.stop();
        await prisma.$disconnect();
      })();
      return stopping;
    },
  };
}
