/**
 * Starts the whole product in-process for end-to-end tests: real PostgreSQL, Kafka and Redis
 * (from the environment set by scripts/test.sh), or embedded defaults. Ports are picked freely
 * so test files can run side by side.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@crm/runtime';
import { DOMAINS, loadStackConfig, startStack, type Stack, type StackConfig } from '@crm/stack';

const freePorts = { web: 0, gateway: 0, platform: 0, customer: 0, sales: 0, analytics: 0, integration: 0 };

/** Real services, as configured by scripts/lib/real-env.sh. Fails fast when they are not configured. */
export async function startRealStack(overrides: Partial<StackConfig> = {}): Promise<Stack> {
  const config = loadStackConfig(process.env, {
    ports: freePorts,
    allowInsecureWebhookUrls: true,
    // each test stack reads the shared broker with its own consumer groups, from the end
    consumers: { groupSuffix: `.test-${randomBytes(4).toString('hex')}`, fromBeginning: false },
    // test files sign in from 127.0.0.1 side by side (and some on purpose with wrong passwords);
    // the count per address is shared through the database, so only the test of that limit keeps it
    maxSignInFailuresPerAddress: 100_000,
    ...overrides,
  });
  if (config.mode !== 'real' || !config.kafkaBrokers || !config.redisUrl) {
    throw new Error('end-to-end tests need DATABASE_URL_<DOMAIN>, KAFKA_BROKERS and REDIS_URL (run them with `pnpm test`)');
  }
  return startStack(config, createLogger('test-stack', process.env.LOG_LEVEL ?? 'silent'));
}

/** Embedded defaults: in-memory PGlite per subgraph, in-process bus, memory cache. */
export async function startEmbeddedStack(): Promise<Stack> {
  const base = loadStackConfig({}, { ports: freePorts });
  const config: StackConfig = {
    ...base,
    mode: 'embedded',
    databases: Object.fromEntries(DOMAINS.map((d) => [d, { kind: 'pglite' as const, dataDir: 'memory://' }])) as StackConfig['databases'],
    kafkaBrokers: undefined,
    redisUrl: undefined,
    signingSecret: randomBytes(32).toString('base64url'),
    // e-mails go to a folder of this test run, not the repository's .data/mail
    mail: { transport: { kind: 'file', directory: join(tmpdir(), `crm-mail-${randomBytes(4).toString('hex')}`) }, appUrl: 'http://localhost:3000' },
  };
  return startStack(config, createLogger('test-stack', process.env.LOG_LEVEL ?? 'silent'));
}
