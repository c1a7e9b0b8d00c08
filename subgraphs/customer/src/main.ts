/** Standalone customer subgraph: `tsx src/main.ts` (configured by environment variables). */
import { openDatabase } from '@crm/db';
import { createInProcessBus, createKafkaBus } from '@crm/events';
import { createLogger, gatewayRecordDirectory, startTracingFromEnvironment } from '@crm/runtime';
import { databaseConfigOf, loadEnvironment, loadTracingEnvironment } from './environment.ts';
import { createCustomerSubgraph, customerPaths } from './index.ts';

const env = loadEnvironment();
const logger = createLogger('customer', env.LOG_LEVEL);
const tracing = startTracingFromEnvironment(loadTracingEnvironment(), 'crm-customer');

const database = await openDatabase(databaseConfigOf(env));
const applied = await database.migrate(customerPaths.migrationsDir, customerPaths.schemaPath);
if (applied.length) logger.info({ applied }, 'migrations applied');

const bus = env.KAFKA_BROKERS.length ? createKafkaBus({ brokers: env.KAFKA_BROKERS, clientId: 'customer', logger, consumerGroups: { suffix: env.KAFKA_GROUP_SUFFIX, newGroupsStart: env.KAFKA_NEW_GROUPS_START } }) : createInProcessBus();
// the owners a write names are checked through the gateway (users live in the platform subgraph)
const records = env.GATEWAY_INTERNAL_URL ? gatewayRecordDirectory({ gatewayUrl: env.GATEWAY_INTERNAL_URL, signingSecret: env.GATEWAY_SIGNING_SECRET, requester: 'customer-owner-references' }) : undefined;
if (!records) logger.warn('GATEWAY_INTERNAL_URL is not set: writes naming an owner are refused (owners cannot be checked)');
const subgraph = await createCustomerSubgraph({ database, bus, signingSecret: env.GATEWAY_SIGNING_SECRET, logger, ...(records ? { records } : {}) });
await subgraph.start(env.PORT, env.HOST);

/** Longest a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;
let stopping = false;
async function shutdown(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  setTimeout(() => {
    logger.error({ signal }, 'shutdown timed out');
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS).unref();
  try {
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
// Apollo Server installs its own SIGINT/SIGTERM handlers (stop Apollo, then re-raise the signal), which
// would race the ordered shutdown below; this process owns shutdown, so they are replaced.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.removeAllListeners(signal);
  process.on(signal, () => void shutdown(signal));
}
