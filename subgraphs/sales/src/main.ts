/**
 * Standalone sales deployable: opens and migrates its database, starts the subgraph and the
 * outbox relay, and shuts down cleanly on SIGTERM/SIGINT.
 */
import { openDatabase } from '@crm/db';
import { createInProcessBus, createKafkaBus } from '@crm/events';
import { createLogger, gatewayRecordDirectory, startTracingFromEnvironment } from '@crm/runtime';
import { loadEnvironment, loadTracingEnvironment } from './environment.ts';
import { createSalesSubgraph, platformTeamDirectory, salesPaths } from './index.ts';

const env = loadEnvironment();
const logger = createLogger('sales', env.LOG_LEVEL);
const tracing = startTracingFromEnvironment(loadTracingEnvironment(), 'crm-sales');

const database = await openDatabase(
  env.DATABASE_URL
    ? { kind: 'postgres', url: env.DATABASE_URL, ...(env.MIGRATION_DATABASE_URL ? { migrationUrl: env.MIGRATION_DATABASE_URL } : {}) }
    : { kind: 'pglite', dataDir: env.DATA_DIR },
);
const applied = await database.migrate(salesPaths.migrationsDir, salesPaths.schemaPath);
if (applied.length > 0) logger.info({ applied }, 'migrations applied');

const bus = env.KAFKA_BROKERS.length > 0 ? createKafkaBus({ brokers: env.KAFKA_BROKERS, clientId: 'sales', logger, consumerGroups: { suffix: env.KAFKA_GROUP_SUFFIX, newGroupsStart: env.KAFKA_NEW_GROUPS_START } }) : createInProcessBus();
const teams = env.PLATFORM_URL ? platformTeamDirectory({ platformUrl: env.PLATFORM_URL, signingSecret: env.GATEWAY_SIGNING_SECRET }) : undefined;
// references to other subgraphs' records (a deal's account, contacts, collaborators…) are checked through the gateway
const records = env.GATEWAY_INTERNAL_URL ? gatewayRecordDirectory({ gatewayUrl: env.GATEWAY_INTERNAL_URL, signingSecret: env.GATEWAY_SIGNING_SECRET, requester: 'sales-record-references' }) : undefined;
if (!records) logger.warn('GATEWAY_INTERNAL_URL is not set: writes naming an account, contact, lead or user are refused (records cannot be checked)');
const subgraph = await createSalesSubgraph({ database, bus, signingSecret: env.GATEWAY_SIGNING_SECRET, logger, ...(teams ? { teams } : {}), ...(records ? { records } : {}) });
await subgraph.start(env.PORT, env.HOST);
subgraph.forecastSnapshots.start();

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  try {
    await subgraph.forecastSnapshots.stop();
    await subgraph.stop();
    await tracing?.shutdown();
    await bus.close();
    await database.close();
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}
// This process owns its shutdown order (stop serving, stop the relay, close the database). Apollo
// Server installs its own termination-signal handlers, which would stop it concurrently and then
// re-raise the signal mid-way through ours, so they are replaced.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.removeAllListeners(signal);
  process.on(signal, () => void shutdown(signal));
}
