/** Standalone customer subgraph: `tsx src/main.ts` (configured by environment variables). */
import { openDatabase } from '@crm/db';
import { createInProcessBus, createKafkaBus } from '@crm/events';
import { createLogger } from '@crm/runtime';
import { loadEnvironment } from './environment.ts';
import { createCustomerSubgraph, customerPaths } from './index.ts';

const env = loadEnvironment();
const logger = createLogger('customer', env.LOG_LEVEL);

const database = await openDatabase(
  env.DATABASE_URL
    ? { kind: 'postgres', url: env.DATABASE_URL, migrationUrl: env.MIGRATION_DATABASE_URL ?? env.DATABASE_URL }
    : { kind: 'pglite', dataDir: env.DATA_DIR! },
);
const applied = await database.migrate(customerPaths.migrationsDir, customerPaths.schemaPath);
if (applied.length) logger.info({ applied }, 'migrations applied');

const bus = env.KAFKA_BROKERS.length ? createKafkaBus({ brokers: env.KAFKA_BROKERS, clientId: 'customer', logger }) : createInProcessBus();
const subgraph = await createCustomerSubgraph({ database, bus, signingSecret: env.GATEWAY_SIGNING_SECRET, logger });
await subgraph.start(env.PORT);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  try {
    await subgraph.stop();
    await bus.close();
    await database.close();
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
