/**
 * Test helpers for the platform subgraph: a scratch PostgreSQL database per test file and a
 * GraphQL caller that signs the identity header the way the gateway does.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { scratchDatabase, type ScratchDatabase } from '@crm/subgraph-harness';
import { createInProcessBus, topicOf, type EventEnvelope, type InProcessBus } from '@crm/events';
import { createLogger, IDENTITY_HEADER, signIdentity, type Identity } from '@crm/runtime';
import { createPlatformSubgraph, platformPaths, type PlatformSubgraph, type PlatformSubgraphDeps } from './index.ts';

export type { ScratchDatabase } from '@crm/subgraph-harness';

/** Creates `crm_platform_test_<random>`, migrates it as the owner and connects as `crm_app` (RLS applies). */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const scratch = await scratchDatabase('platform');
  await scratch.database.migrate(platformPaths.migrationsDir, platformPaths.schemaPath);
  return scratch;
}

export const TEST_SIGNING_SECRET = randomBytes(32).toString('base64url');

export interface GraphQLResult<T> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string; [key: string]: unknown } }>;
}

/** Who a test request acts as: a signed identity, or `null` to send no header at all. */
export type Caller = Partial<Identity> | null;

export function identity(tenantId: string | null, userId: string | null = null, roles: string[] = []): Identity {
  return { tenantId, userId, roles, requestId: randomUUID() };
}

export async function graphql<T = Record<string, unknown>>(
  baseUrl: string,
  caller: Caller,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResult<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (caller) headers[IDENTITY_HEADER] = signIdentity({ ...identity(null), ...caller }, TEST_SIGNING_SECRET);
  const response = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return { status: response.status, ...((await response.json()) as Omit<GraphQLResult<T>, 'status'>) };
}

/** A platform subgraph on its own scratch database and in-process bus, for one test file. */
export interface TestPlatform {
  scratch: ScratchDatabase;
  platform: PlatformSubgraph;
  bus: InProcessBus;
  url: string;
  /** Every event the platform published since it started, in order. */
  published: EventEnvelope[];
  stop(): Promise<void>;
}

/** `overrides`: settings of the subgraph under test (e.g. `files`). */
export async function startTestPlatform(overrides: Partial<Omit<PlatformSubgraphDeps, 'database' | 'bus' | 'signingSecret'>> = {}): Promise<TestPlatform> {
  const scratch = await createScratchDatabase();
  const bus = createInProcessBus();
  const platform = await createPlatformSubgraph({
    database: scratch.database,
    bus,
    signingSecret: TEST_SIGNING_SECRET,
    logger: createLogger('platform-test', 'silent'),
    ...overrides,
  });
  const published: EventEnvelope[] = [];
  const collector = await bus.subscribe({ groupId: 'platform-test-events', topics: [topicOf('platform')], handler: async (event) => void published.push(event) });
  await collector.ready;
  const listening = await platform.start(0);
  await platform.consumerReady;
  return {
    scratch,
    platform,
    bus,
    url: listening.url,
    published,
    async stop() {
      await platform.stop();
      await bus.close();
      await scratch.drop();
    },
  };
}

export const TEST_PASSWORD = 'correct horse battery staple';

/** A tenant with a user of each built-in tenant role, and signed identities for them. */
export async function seedTenant(platform: PlatformSubgraph) {
  const label = randomUUID().slice(0, 8);
  const tenant = await platform.services.tenants.create({ name: `Tenant ${label}`, slug: `t-${label}` });
  const make = (role: 'TENANT_ADMIN' | 'SALES_MANAGER' | 'SALES_REP', name: string) =>
    platform.services.users.create(tenant.id, { email: `${name.toLowerCase()}-${label}@example.com`, name, password: TEST_PASSWORD, role });
  const admin = await make('TENANT_ADMIN', 'Admin');
  const manager = await make('SALES_MANAGER', 'Manager');
  const rep = await make('SALES_REP', 'Rep');
  return {
    tenant,
    admin,
    manager,
    rep,
    as: {
      admin: identity(tenant.id, admin.id, ['TENANT_ADMIN']),
      manager: identity(tenant.id, manager.id, ['SALES_MANAGER']),
      rep: identity(tenant.id, rep.id, ['SALES_REP']),
    },
  };
}
