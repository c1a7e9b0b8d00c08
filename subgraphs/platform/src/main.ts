/** Standalone platform subgraph: opens and migrates its database, then serves until SIGTERM. */
import { openDatabase, type DatabaseConfig } from '@crm/db';
import { createInProcessBus, createKafkaBus } from '@crm/events';
import { createLogger, startTracingFromEnvironment } from '@crm/runtime';
import { env, loadTracingEnvironment } from './environment.ts';
import { createPlatformSubgraph, platformPaths, type FilesOptions } from './index.ts';

const logger = createLogger('platform', env.LOG_LEVEL);
const tracing = startTracingFromEnvironment(loadTracingEnvironment(), 'crm-platform');

const config: DatabaseConfig = env.DATABASE_URL
  ? { kind: 'postgres', url: env.DATABASE_URL, ...(env.MIGRATION_DATABASE_URL ? { migrationUrl: env.MIGRATION_DATABASE_URL } : {}) }
  : { kind: 'pglite', dataDir: env.DATA_DIR };

const database = await openDatabase(config);
const applied = await database.migrate(platformPaths.migrationsDir, platformPaths.schemaPath);
if (applied.length) logger.info({ applied }, 'migrations applied');

const bus = env.KAFKA_BROKERS.length
  ? createKafkaBus({ brokers: env.KAFKA_BROKERS, clientId: 'crm-platform', logger, consumerGroups: { suffix: env.KAFKA_GROUP_SUFFIX, newGroupsStart: env.KAFKA_NEW_GROUPS_START } })
  : createInProcessBus();
const oidc = {
  ...(env.OIDC_ISSUER ? { issuer: env.OIDC_ISSUER } : {}),
  ...(env.OIDC_WEB_REDIRECT_URIS.length ? { webRedirectUris: env.OIDC_WEB_REDIRECT_URIS } : {}),
  ...(env.OIDC_MOBILE_REDIRECT_URIS.length ? { mobileRedirectUris: env.OIDC_MOBILE_REDIRECT_URIS } : {}),
};
const mail = {
  transport: env.SMTP_URL ? { kind: 'smtp' as const, url: env.SMTP_URL } : { kind: 'file' as const, directory: env.MAIL_DIR },
  from: env.MAIL_FROM,
  appUrl: env.APP_URL,
};
const files: FilesOptions = {
  directory: env.FILES_DIR,
  maxFileBytes: env.FILES_MAX_BYTES,
  ...(env.FILES_ALLOWED_TYPES?.length ? { allowedContentTypes: env.FILES_ALLOWED_TYPES } : {}),
  ...(env.FILES_SCAN_COMMAND ? { scanCommand: env.FILES_SCAN_COMMAND } : {}),
  ...(env.GATEWAY_INTERNAL_URL ? { gatewayUrl: env.GATEWAY_INTERNAL_URL } : {}),
  ...(env.FILES_S3_BUCKET && env.FILES_S3_ACCESS_KEY_ID && env.FILES_S3_SECRET_ACCESS_KEY
    ? {
        s3: {
          bucket: env.FILES_S3_BUCKET,
          region: env.FILES_S3_REGION,
          accessKeyId: env.FILES_S3_ACCESS_KEY_ID,
          secretAccessKey: env.FILES_S3_SECRET_ACCESS_KEY,
          forcePathStyle: env.FILES_S3_FORCE_PATH_STYLE,
          prefix: env.FILES_S3_PREFIX,
          ...(env.FILES_S3_ENDPOINT ? { endpoint: env.FILES_S3_ENDPOINT } : {}),
        },
      }
    : {}),
};
if (!env.GATEWAY_INTERNAL_URL) logger.warn('GATEWAY_INTERNAL_URL is not set: attachment uploads are refused (records cannot be checked)');
const platform = await createPlatformSubgraph({ database, bus, signingSecret: env.GATEWAY_SIGNING_SECRET, logger, oidc, mail, files });
await platform.start(env.PORT, env.HOST);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  try {
    await platform.stop();
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
