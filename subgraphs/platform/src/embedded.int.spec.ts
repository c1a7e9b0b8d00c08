import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, type Database } from '@crm/db';
import { createInProcessBus } from '@crm/events';
import { createLogger, type Listening } from '@crm/runtime';
import { createPlatformSubgraph, platformPaths, type PlatformSubgraph } from './index.ts';
import { graphql, identity, TEST_SIGNING_SECRET } from './test-support.ts';

// The embedded run mode: in-memory PGlite (running as the application role) and the in-process bus.
const bus = createInProcessBus();
let database: Database;
let platform: PlatformSubgraph;
let listening: Listening;

beforeAll(async () => {
  database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  await database.migrate(platformPaths.migrationsDir, platformPaths.schemaPath);
  platform = await createPlatformSubgraph({ database, bus, signingSecret: TEST_SIGNING_SECRET, logger: createLogger('platform-test', 'silent') });
  listening = await platform.start(0);
});

afterAll(async () => {
  await platform?.stop();
  await bus.close();
  await database?.close();
});

it('provisions, isolates tenants and signs in on embedded PGlite', async () => {
  const tenant = await platform.services.tenants.create({ name: 'Embedded', slug: 'embedded' });
  const other = await platform.services.tenants.create({ name: 'Other', slug: 'other' });
  const user = await platform.services.users.create(tenant.id, { email: 'ada@example.com', name: 'Ada', password: 'password-123', role: 'SALES_MANAGER' });
  const stranger = await platform.services.users.create(other.id, { email: 'bob@example.com', name: 'Bob', password: 'password-123', role: 'SALES_REP' });

  const login = await graphql<{ login: { accessToken: string; user: { id: string; tenant: { slug: string } } } }>(
    listening.url,
    identity(null),
    'mutation { login(email: "ada@example.com", password: "password-123") { accessToken user { id tenant { slug } } } }',
  );
  expect(login.errors).toBeUndefined();
  expect(login.data?.login.user).toEqual({ id: user.id, tenant: { slug: 'embedded' } });

  const jwks = (await (await fetch(`${listening.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
  const { payload } = await jwtVerify(login.data!.login.accessToken, createLocalJWKSet(jwks), { issuer: 'crm-platform', audience: 'crm-api' });
  expect(payload).toMatchObject({ sub: user.id, tid: tenant.id, roles: ['SALES_MANAGER'] });

  const lookup = await graphql<{ user: null; users: Array<{ id: string }> }>(
    listening.url,
    identity(tenant.id, user.id),
    'query($id: ID!) { user(id: $id) { id } users { id } }',
    { id: stranger.id },
  );
  expect(lookup.data).toEqual({ user: null, users: [{ id: user.id }] });
  expect(await platform.prisma.user.count()).toBe(0);
});
