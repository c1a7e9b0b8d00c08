/**
 * Standalone analytics deployable: opens and migrates its database, connects to the event bus,
 * serves the subgraph and consumes sales events until SIGTERM/SIGINT.
 */
import { openDatabase, type DatabaseConfig } from '@crm/db';
import { createInProcessBus, createKafkaBus } from '@crm/events';
import { createLogger, startTracingFromEnvironment } from '@crm/runtime';
import { readEnvironment, loadTracingEnvironment } from './environment.ts';
import { analyticsPaths, createAnalyticsSubgraph } from './index.ts';

const env = readEnvironment();
const logger = createLogger('analytics', env.LOG_LEVEL);
const tracing = startTracingFromEnvironment(loadTracingEnvironment(), 'crm-analytics');

const config: DatabaseConfig = env.DATABASE_URL
  ? { kind: 'postgres', url: env.DATABASE_URL, ...(env.MIGRATION_DATABASE_URL ? { migrationUrl: env.MIGRATION_DATABASE_URL } : {}) }
  : { kind: 'pglite', dataDir: env.DATA_DIR };

const database = await openDatabase(config);
const applied = await database.migrate(analyticsPaths.migrationsDir, analyticsPaths.schemaPath);
if (applied.length > 0) logger.info({ applied }, 'migrations applied');

const bus = env.KAFKA_BROKERS ? createKafkaBus({ brokers: env.KAFKA_BROKERS, clientId: 'analytics', logger, consumerGroups: { suffix: env.KAFKA_GROUP_SUFFIX, newGroupsStart: env.KAFKA_NEW_GROUPS_START } }) : createInProcessBus();
if (bus.kind === 'memory') logger.warn({}, 'KAFKA_BROKERS unset: using an in-process bus, so no events from other deployables arrive');

const subgraph = await createAnalyticsSubgraph({ database, bus, signingSecret: env.GATEWAY_SIGNING_SECRET, logger });
await subgraph.start(env.PORT, env.HOST);

let shuttingDown = false;
async function shutdown(signal: string) {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ signal }, 'shutting down');
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
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
