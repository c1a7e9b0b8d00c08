/** Standalone platform subgraph: opens and migrates its database, then serves until SIGTERM. */
import { openDatabase, type DatabaseConfig } from '@crm/db';
import { createInProcessBus, createKafkaBus } from '@crm/events';
import { createLogger } from '@crm/runtime';
import { env } from './environment.ts';
import { createPlatformSubgraph, platformPaths } from './index.ts';

const logger = createLogger('platform', env.LOG_LEVEL);

const config: DatabaseConfig = env.DATABASE_URL
  ? { kind: 'postgres', url: env.DATABASE_URL, ...(env.MIGRATION_DATABASE_URL ? { migrationUrl: env.MIGRATION_DATABASE_URL } : {}) }
  : { kind: 'pglite', dataDir: env.DATA_DIR };

const database = await openDatabase(config);
const applied = await database.migrate(platformPaths.migrationsDir, platformPaths.schemaPath);
if (applied.length) logger.info({ applied }, 'migrations applied');

const bus = env.KAFKA_BROKERS.length
  ? createKafkaBus({ brokers: env.KAFKA_BROKERS, clientId: 'crm-platform', logger })
  : createInProcessBus();
const oidc = {
  ...(env.OIDC_ISSUER ? { issuer: env.OIDC_ISSUER } : {}),
  ...(env.OIDC_WEB_REDIRECT_URIS.length ? { webRedirectUris: env.OIDC_WEB_REDIRECT_URIS } : {}),
  ...(env.OIDC_MOBILE_REDIRECT_URIS.length ? { mobileRedirectUris: env.OIDC_MOBILE_REDIRECT_URIS } : {}),
};
const platform = await createPlatformSubgraph({ database, bus, signingSecret: env.GATEWAY_SIGNING_SECRET, logger, oidc });
await platform.start(env.PORT, env.HOST);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  try {
    await platform.stop();
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
