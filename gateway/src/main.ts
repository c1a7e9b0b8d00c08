/**
 * The gateway as its own deployable: reads the environment, loads the committed supergraph,
 * connects to Kafka and Redis when configured, serves until SIGTERM/SIGINT.
 */
import { readFileSync } from 'node:fs';
import { createCache, createLogger, startTracingFromEnvironment } from '@crm/runtime';
import { createInProcessBus, createKafkaBus } from '@crm/events';
import { readEnvironment } from './environment.ts';
import { createGateway } from './index.ts';
import { loadTrustedDocuments } from './plugins/useTrustedDocuments.ts';

async function main(): Promise<void> {
  let env;
  try {
    env = readEnvironment();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
  const logger = createLogger('gateway', env.logLevel);
  // before the gateway exists, so its server and Apollo Gateway's spans are recorded
  const tracing = startTracingFromEnvironment(env.tracing, 'crm-gateway');
  let trustedDocuments;
  try {
    trustedDocuments = env.trustedDocuments.path ? loadTrustedDocuments(env.trustedDocuments.path) : undefined;
  } catch (error) {
    console.error(`Invalid trusted documents: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  if (trustedDocuments) logger.info({ documents: trustedDocuments.size, enforce: env.trustedDocuments.enforce }, 'web app trusted documents loaded');
  const bus = env.kafkaBrokers ? createKafkaBus({ brokers: env.kafkaBrokers, clientId: 'crm-gateway', logger }) : createInProcessBus();
  if (!env.kafkaBrokers) logger.warn('KAFKA_BROKERS is not set: subscriptions only see events published in this process');
  const cache = createCache(env.redisUrl);

  const gateway = await createGateway({
    supergraphSdl: readFileSync(env.supergraphPath, 'utf8'),
    subgraphUrls: env.subgraphUrls,
    jwksUrl: env.jwksUrl,
    auth: { issuer: ['crm-platform', env.oidcIssuer] },
    signingSecret: env.signingSecret,
    bus,
    cache,
    logger,
    introspection: env.introspection,
    corsOrigins: env.corsOrigins,
    subscriptions: env.subscriptions,
    rateLimit: env.rateLimit,
    demandControl: env.demandControl,
    tenantSettings: { ttlSeconds: env.tenantSettingsTtlSeconds },
    ...(trustedDocuments ? { trustedDocuments: { documents: trustedDocuments, enforce: env.trustedDocuments.enforce } } : {}),
    metrics: { enabled: env.metrics },
    ...(env.responseCache ? { responseCache: env.responseCache } : {}),
    host: env.host,
  });
  const { url, wsUrl } = await gateway.start(env.port);
  logger.info({ url, wsUrl }, 'gateway started');
  gateway.subscriptionsReady.then(
    () => logger.info('subscriptions receiving events'),
    (error: unknown) => logger.error({ err: error }, 'subscriptions unavailable'),
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      await gateway.stop();
      await tracing?.shutdown();
      await bus.close();
      await cache.close();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

void main();
