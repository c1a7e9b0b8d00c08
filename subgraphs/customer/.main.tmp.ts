/** Standalone customer subgraph: `tsx src/main.ts` (configured by environment variables). */
import { openDatabase } from '@crm/db';
import { createInProcessBus, createKafkaBus } from '@crm/events';
import { createLogger } from '@crm/runtime';
import { loadEnvironment } from './src/environment.ts';
import { createCustomerSubgraph, customerPaths } from './src/index.ts';

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
    console.error('a'); await subgraph.server.stop(); console.error('a1'); await subgraph.relay.stop(); console.error('a2'); await subgraph.prisma.$disconnect(); console.error('b');
    await bus.close(); console.error('c');
    await database.close(); console.error('d');
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
console.error('registered', process.listenerCount('SIGTERM'));
console.error(process.listeners('SIGTERM').map((f) => f.toString().slice(0, 400)).join('\n----\n'));
import { writeFileSync } from 'node:fs'; writeFileSync('/tmp/main6.pid', String(process.pid));
setTimeout(() => process.kill(process.pid, 'SIGTERM'), 1500); setTimeout(() => { console.error('stuck'); process.exit(3); }, 9000).unref();
