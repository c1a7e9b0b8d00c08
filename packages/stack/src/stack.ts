/**
 * Starts the whole product in one process: five subgraphs, the gateway, one event bus and
 * one cache. Used by `pnpm start` (embedded defaults) and by the end-to-end tests (real
 * PostgreSQL, Kafka and Redis). In production each part is its own deployable (k8s/).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { openDatabase, type Database } from '@crm/db';
import { createInProcessBus, createKafkaBus, type EventBus } from '@crm/events';
import { createGateway, loadTrustedDocuments, type Gateway, type GatewayOptions } from '@crm/gateway';
import { createCache, createLogger, gatewayRecordDirectory, type Cache, type Listening, type Logger } from '@crm/runtime';
import { createAnalyticsSubgraph, analyticsPaths, type AnalyticsSubgraph } from '@crm/subgraph-analytics';
import { createCustomerSubgraph, customerPaths, type CustomerSubgraph } from '@crm/subgraph-customer';
import { createIntegrationSubgraph, integrationPaths, type IntegrationSubgraph } from '@crm/subgraph-integration';
import { createPlatformSubgraph, platformPaths, type PlatformSubgraph } from '@crm/subgraph-platform';
import { createSalesSubgraph, platformTeamDirectory, salesPaths, type SalesSubgraph } from '@crm/subgraph-sales';
import { DOMAINS, type Domain, type StackConfig } from './config.ts';

export interface Subgraphs {
  platform: PlatformSubgraph;
  customer: CustomerSubgraph;
  sales: SalesSubgraph;
  analytics: AnalyticsSubgraph;
  integration: IntegrationSubgraph;
}

export interface RunningSubgraph<S> {
  subgraph: S;
  database: Database;
  url: string;
  port: number;
  /** Stops serving HTTP (simulates an outage); `resume()` serves again on the same port. */
  pause(): Promise<void>;
  resume(): Promise<void>;
}

export interface Stack {
  config: StackConfig;
  gatewayUrl: string;
  wsUrl: string;
  gateway: Gateway;
  subgraphs: { [D in Domain]: RunningSubgraph<Subgraphs[D]> };
  bus: EventBus;
  cache: Cache;
  logger: Logger;
  stop(): Promise<void>;
}

const paths = {
  platform: platformPaths,
  customer: customerPaths,
  sales: salesPaths,
  analytics: analyticsPaths,
  integration: integrationPaths,
} satisfies Record<Domain, { schemaPath: string; migrationsDir: string }>;

export async function startStack(config: StackConfig, logger: Logger = createLogger('stack')): Promise<Stack> {
  const cleanup: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const fn of cleanup.reverse()) await fn().catch((error) => logger.warn({ err: error }, 'shutdown step failed'));
  };
  try {
    const databases = Object.fromEntries(
      await Promise.all(
        DOMAINS.map(async (domain) => {
          const database = await openDatabase(config.databases[domain]);
          cleanup.push(() => database.close());
          await database.migrate(paths[domain].migrationsDir, paths[domain].schemaPath);
          return [domain, database] as const;
        }),
      ),
    ) as Record<Domain, Database>;

    const bus = config.kafkaBrokers?.length
      ? createKafkaBus({ brokers: config.kafkaBrokers, clientId: 'crm', logger: logger.child({ component: 'kafka' }) })
      : createInProcessBus();
    cleanup.push(() => bus.close());
    const cache = createCache(config.redisUrl);
    cleanup.push(() => cache.close());

    const common = { bus, signingSecret: config.signingSecret };
    // The OpenID Connect issuer is public at the gateway (`/oidc/*` is forwarded to the platform),
    // so the gateway's port is settled before the platform starts.
    const gatewayPort = config.ports.gateway || (await freePort());
    const oidcIssuer = `http://127.0.0.1:${gatewayPort}/oidc`;
    // `crm-web` comes back to the web app's `/auth/callback` (and to the Vite dev server's, `pnpm dev`).
    const webRedirectUris =
      config.webRedirectUris ??
      (config.ports.web ? [config.ports.web, 5173].flatMap((port) => ['localhost', '127.0.0.1'].map((host) => `http://${host}:${port}/auth/callback`)) : undefined);
    const subgraphs: Subgraphs = {
      platform: await createPlatformSubgraph({
        ...common,
        database: databases.platform,
        logger: logger.child({ service: 'platform' }),
        oidc: {
          issuer: oidcIssuer,
          ...(webRedirectUris ? { webRedirectUris } : {}),
          ...(config.maxSignInFailuresPerAddress ? { maxAttemptsPerAddress: config.maxSignInFailuresPerAddress } : {}),
        },
        ...(config.mail ? { mail: config.mail } : {}),
        // attachments: the platform asks this stack's gateway whether a caller may read a record
        files: { gatewayUrl: `http://127.0.0.1:${gatewayPort}`, ...config.files },
        ...(config.consumers ? { consumer: { groupId: `platform.audit${config.consumers.groupSuffix}`, fromBeginning: config.consumers.fromBeginning } } : {}),
        ...(config.consumers
          ? { notificationConsumer: { groupId: `platform.notifications${config.consumers.groupSuffix}`, fromBeginning: config.consumers.fromBeginning } }
          : {}),
        ...(config.consumers ? { personalDataConsumer: { groupId: `platform.personal-data${config.consumers.groupSuffix}`, fromBeginning: config.consumers.fromBeginning } } : {}),
      }),
      customer: await createCustomerSubgraph({
        ...common,
        database: databases.customer,
        logger: logger.child({ service: 'customer' }),
        // the owners a write names are checked through this stack's gateway
        records: gatewayRecordDirectory({ gatewayUrl: `http://127.0.0.1:${gatewayPort}`, signingSecret: config.signingSecret, requester: 'customer-owner-references' }),
        ...(config.consumers ? { consumer: { groupId: `customer.lead-conversion${config.consumers.groupSuffix}`, fromBeginning: config.consumers.fromBeginning } } : {}),
        ...(config.consumers ? { leadRulesConsumer: { groupId: `customer.lead-rules${config.consumers.groupSuffix}`, fromBeginning: config.consumers.fromBeginning } } : {}),
        ...(config.consumers ? { personalDataConsumer: { groupId: `customer.personal-data${config.consumers.groupSuffix}`, fromBeginning: config.consumers.fromBeginning } } : {}),
      }),
      sales: await createSalesSubgraph({
        ...common,
        database: databases.sales,
        logger: logger.child({ service: 'sales' }),
        // tenant-wide team forecasts ask the platform for the tenant's teams (its url is known once it listens)
        teams: platformTeamDirectory({ platformUrl: () => running.platform.url, signingSecret: config.signingSecret }),
        // the accounts, contacts, leads and users a write references are checked through this stack's gateway
        records: gatewayRecordDirectory({ gatewayUrl: `http://127.0.0.1:${gatewayPort}`, signingSecret: config.signingSecret, requester: 'sales-record-references' }),
        ...(config.consumers ? { consumer: { groupId: `sales.lead-conversion${config.consumers.groupSuffix}`, fromBeginning: config.consumers.fromBeginning } } : {}),
        ...(config.consumers ? { mergeConsumer: { groupId: `sales.record-merges${config.consumers.groupSuffix}`, fromBeginning: config.consumers.fromBeginning } } : {}),
        ...(config.consumers ? { personalDataConsumer: { groupId: `sales.personal-data${config.consumers.groupSuffix}`, fromBeginning: config.consumers.fromBeginning } } : {}),
      }),
      analytics: await createAnalyticsSubgraph({
        ...common,
        database: databases.analytics,
        logger: logger.child({ service: 'analytics' }),
        ...(config.consumers
          ? { consumer: { groupId: `analytics.pipeline-summary${config.consumers.groupSuffix}`, fromBeginning: config.consumers.fromBeginning } }
          : {}),
      }),
      integration: await createIntegrationSubgraph({
        ...common,
        database: databases.integration,
        logger: logger.child({ service: 'integration' }),
        secretKey: config.webhookSecretKey,
        allowInsecureUrls: config.allowInsecureWebhookUrls,
      }),
    };

    const running = {} as Stack['subgraphs'];
    for (const domain of DOMAINS) {
      const subgraph = subgraphs[domain];
      cleanup.push(() => subgraph.stop());
      let listening: Listening = await subgraph.start(config.ports[domain]);
      const port = listening.port;
      (running as Record<Domain, RunningSubgraph<unknown>>)[domain] = {
        subgraph,
        database: databases[domain],
        url: `${listening.url}/graphql`,
        port,
        pause: () => subgraph.server.close(),
        resume: async () => {
          listening = await subgraph.server.listen(port);
        },
      };
    }

    await Promise.all([
      subgraphs.analytics.consumerReady,
      subgraphs.platform.consumerReady,
      subgraphs.customer.consumerReady,
      subgraphs.sales.consumerReady,
    ]);

    const supergraphSdl = await readFile(config.supergraphPath, 'utf8');
    const gateway = await createGateway({
      supergraphSdl,
      subgraphUrls: Object.fromEntries(DOMAINS.map((d) => [d, running[d].url])) as Record<Domain, string>,
      jwksUrl: `http://127.0.0.1:${running.platform.port}/.well-known/jwks.json`,
      signingSecret: config.signingSecret,
      bus,
      cache,
      logger: logger.child({ service: 'gateway' }),
      auth: { issuer: ['crm-platform', oidcIssuer] },
      // the web app's operations by hash, from its codegen manifest (the deployable also enforces it in production)
      ...webAppDocuments(logger),
      ...(config.leadForms ? { leadForms: config.leadForms } : {}),
      ...(config.responseCache ? { responseCache: config.responseCache } : {}),
    });
    cleanup.push(() => gateway.stop());
    const { url, wsUrl } = await gateway.start(gatewayPort);
    await gateway.subscriptionsReady;

    return { config, gatewayUrl: url, wsUrl, gateway, subgraphs: running, bus, cache, logger, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Written by `pnpm generate` (codegen client preset, persisted documents). */
const WEB_MANIFEST = new URL('../../../clients/web/src/gql/persisted-documents.json', import.meta.url);

/** The web app's trusted documents when its manifest has been generated (served by hash, not enforced). */
function webAppDocuments(logger: Logger): Pick<GatewayOptions, 'trustedDocuments'> {
  if (!existsSync(WEB_MANIFEST)) return {};
  try {
    return { trustedDocuments: { documents: loadTrustedDocuments(fileURLToPath(WEB_MANIFEST)) } };
  } catch (error) {
    logger.warn({ err: error }, "the web app's manifest is unreadable; its operations are not preloaded");
    return {};
  }
}

/**
 * A port that is free right now on 127.0.0.1, for a server that binds it a few seconds later.
 * It is taken below Linux's ephemeral range (32768-60999): ports the kernel hands to outgoing
 * connections and to `listen(0)` of other processes (tests run side by side) come from that range,
 * so none of them can take this one in the meantime.
 */
async function freePort(): Promise<number> {
  const LOWEST = 20_000;
  const EPHEMERAL = 32_768;
  for (let attempt = 0; ; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (EPHEMERAL - LOWEST));
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
    if (attempt >= 100) throw new Error('No free port found below the ephemeral range');
  }
}
