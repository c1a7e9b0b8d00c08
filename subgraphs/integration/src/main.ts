/** Standalone integration subgraph: `tsx src/main.ts` (configured by environment variables). */
import { openDatabase } from '@crm/db';
import { createInProcessBus, createKafkaBus } from '@crm/events';
import { createLogger, startTracingFromEnvironment } from '@crm/runtime';
import { databaseConfigOf, loadEnvironment, loadTracingEnvironment } from './environment.ts';
import { createIntegrationSubgraph, integrationPaths } from './index.ts';

const env = loadEnvironment();
const logger = createLogger('integration', env.LOG_LEVEL);
const tracing = startTracingFromEnvironment(loadTracingEnvironment(), 'crm-integration');

const database = await openDatabase(databaseConfigOf(env));
const applied = await database.migrate(integrationPaths.migrationsDir, integrationPaths.schemaPath);
if (applied.length) logger.info({ applied }, 'migrations applied');

const bus = env.KAFKA_BROKERS.length ? createKafkaBus({ brokers: env.KAFKA_BROKERS, clientId: 'integration', logger, consumerGroups: { suffix: env.KAFKA_GROUP_SUFFIX, newGroupsStart: env.KAFKA_NEW_GROUPS_START } }) : createInProcessBus();
const subgraph = await createIntegrationSubgraph({
  database,
  bus,
  signingSecret: env.GATEWAY_SIGNING_SECRET,
  logger,
  secretKey: env.WEBHOOK_SECRET_KEY,
  allowInsecureUrls: env.ALLOW_INSECURE_WEBHOOK_URLS,
});
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
