/** Standalone integration subgraph: `tsx src/main.ts` (configured by environment variables). */
import { openDatabase } from '@crm/db';
import { createInProcessBus, createKafkaBus } from '@crm/events';
import { createLogger } from '@crm/runtime';
import { loadEnvironment } from './environment.ts';
import { createIntegrationSubgraph, integrationPaths } from './index.ts';

const env = loadEnvironment();
const logger = createLogger('integration', env.LOG_LEVEL);

const database = await openDatabase(
  env.DATABASE_URL
    ? { kind: 'postgres', url: env.DATABASE_URL, migrationUrl: env.MIGRATION_DATABASE_URL ?? env.DATABASE_URL }
    : { kind: 'pglite', dataDir: env.DATA_DIR! },
);
const applied = await database.migrate(integrationPaths.migrationsDir, integrationPaths.schemaPath);
if (applied.length) logger.info({ applied }, 'migrations applied');

const bus = env.KAFKA_BROKERS.length ? createKafkaBus({ brokers: env.KAFKA_BROKERS, clientId: 'integration', logger }) : createInProcessBus();
const subgraph = await createIntegrationSubgraph({
  database,
  bus,
  signingSecret: env.GATEWAY_SIGNING_SECRET,
  logger,
  secretKey: env.WEBHOOK_SECRET_KEY,
  allowInsecureUrls: env.ALLOW_INSECURE_WEBHOOK_URLS,
});
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
