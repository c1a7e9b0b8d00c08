import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessBus, topicOf, type EventEnvelope } from '@crm/events';
import { createLogger, type Listening } from '@crm/runtime';
import { createPlatformSubgraph, type PlatformSubgraph, type UserModel } from './index.ts';
import { createScratchDatabase, graphql, identity, TEST_SIGNING_SECRET, type ScratchDatabase } from './test-support.ts';

const logger = createLogger('platform-test', 'silent');
const bus = createInProcessBus();
const PASSWORD = 'correct horse battery staple';

let scratch: ScratchDatabase;
let platform: PlatformSubgraph;
let listening: Listening;
const published: EventEnvelope[] = [];

async function startPlatform(): Promise<void> {
  platform = await createPlatformSubgraph({ database: scratch.database, bus, signingSecret: TEST_SIGNING_SECRET, logger });
  listening = await platform.start(0);
}

const slug = () => `t-${randomUUID().slice(0, 12)}`;

/** A tenant with one admin; every test makes its own. */
async function tenantWithAdmin(email = `admin-${randomUUID().slice(0, 8)}@example.com`) {
  const tenant = await platform.services.tenants.create({ name: 'Acme', slug: slug() });
  const admin = await platform.services.users.create(tenant.id, { email, name: 'Ada Admin', password: PASSWORD, role: 'TENANT_ADMIN' });
  return { tenant, admin, as: identity(tenant.id, admin.id, ['TENANT_ADMIN']) };
}

async function jwks(): Promise<{ status: number; cacheControl: string | null; body: JSONWebKeySet }> {
  const response = await fetch(`${listening.url}/.well-known/jwks.json`);
  return { status: response.status, cacheControl: response.headers.get('cache-control'), body: (await response.json()) as JSONWebKeySet };
}

const LOGIN = `mutation Login($email: String!, $password: String!, $tenantSlug: String) {
  login(email: $email, password: $password, tenantSlug: $tenantSlug) {
    accessToken tokenType expiresIn
    user { id email role tenant { id slug } team { name } }
  }
}`;

type LoginData = {
  login: {
    accessToken: string;
    tokenType: string;
    expiresIn: number;
    user: { id: string; email: string; role: string; tenant: { id: string; slug: string }; team: { name: string } | null };
  };
};

const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { id name } ... on Team { id name } ... on Tenant { id slug } } }`;

beforeAll(async () => {
  scratch = await createScratchDatabase();
  const subscription = await bus.subscribe({
    groupId: 'platform-test',
    topics: [topicOf('platform')],
    handler: async (event) => {
      published.push(event);
    },
  });
  await subscription.ready;
  await startPlatform();
});

afterAll(async () => {
  await platform?.stop();
  await bus.close();
  await scratch?.drop();
});

describe('gateway signature', () => {
  it('refuses queries, _entities and _service without the signed identity header', async () => {
    for (const query of ['{ users { id } }', '{ _service { sdl } }', ENTITIES]) {
      const result = await graphql(listening.url, null, query, { representations: [{ __typename: 'User', id: randomUUID() }] });
      expect(result.status).toBe(401);
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('serves the JWKS publicly with a 5-minute cache', async () => {
    const { status, cacheControl, body } = await jwks();
    expect(status).toBe(200);
    expect(cacheControl).toBe('public, max-age=300');
    expect(body.keys).toHaveLength(1);
    expect(body.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(body.keys[0]).not.toHaveProperty('d');
  });

  it('serves the subgraph SDL to the gateway', async () => {
    const result = await graphql<{ _service: { sdl: string } }>(listening.url, identity(null), '{ _service { sdl } }');
    expect(result.data?._service.sdl).toContain('type User @key(fields: "id")');
  });
});

describe('queries', () => {
  it('reads the caller, their tenant, users and teams', async () => {
    const { tenant, admin, as } = await tenantWithAdmin();
    const team = await platform.services.teams.create(tenant.id, { name: 'EMEA', managerId: admin.id });
    const rep = await platform.services.users.create(tenant.id, {
      email: 'Rep@Example.com ',
      name: 'Rex Rep',
      password: PASSWORD,
      role: 'SALES_REP',
      teamId: team.id,
    });

    const result = await graphql<{
      me: { id: string; email: string; role: string; active: boolean; tenant: { slug: string } };
      tenant: { id: string; name: string; plan: string; createdAt: string };
      users: Array<{ email: string; team: { name: string } | null }>;
      teams: Array<{ name: string; manager: { id: string }; members: Array<{ id: string }> }>;
      user: { name: string };
    }>(
      listening.url,
      as,
      `query($rep: ID!) {
        me { id email role active tenant { slug } }
        tenant { id name plan createdAt }
        users(first: 10) { email team { name } }
        teams { name manager { id } members { id } }
        user(id: $rep) { name }
      }`,
      { rep: rep.id },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.me).toEqual({ id: admin.id, email: admin.email, role: 'TENANT_ADMIN', active: true, tenant: { slug: tenant.slug } });
    expect(result.data?.tenant).toMatchObject({ id: tenant.id, name: 'Acme', plan: 'free' });
    expect(new Date(result.data!.tenant.createdAt).toISOString()).toBe(result.data!.tenant.createdAt);
    expect(result.data?.users).toEqual([
      { email: admin.email, team: null },
      { email: 'rep@example.com', team: { name: 'EMEA' } },
    ]);
    expect(result.data?.teams).toEqual([{ name: 'EMEA', manager: { id: admin.id }, members: [{ id: rep.id }] }]);
    expect(result.data?.user).toEqual({ name: 'Rex Rep' });
  });

  it('requires a signed-in tenant for tenant data', async () => {
    const result = await graphql(listening.url, identity(null), '{ users { id } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('rejects bad arguments with BAD_USER_INPUT', async () => {
    const { as } = await tenantWithAdmin();
    const tooMany = await graphql(listening.url, as, '{ users(first: 101) { id } }');
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const badId = await graphql(listening.url, as, '{ user(id: "not-a-uuid") { id } }');
    expect(badId.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });
});

describe('tenant isolation', () => {
  it("never returns another tenant's user, team or tenant, by id or through _entities", async () => {
    const a = await tenantWithAdmin();
    const b = await tenantWithAdmin();
    const bTeam = await platform.services.teams.create(b.tenant.id, { name: 'Secret team' });

    const byId = await graphql<{ user: null }>(listening.url, a.as, 'query($id: ID!) { user(id: $id) { id } }', { id: b.admin.id });
    expect(byId.errors).toBeUndefined();
    expect(byId.data?.user).toBeNull();

    const entities = await graphql<{ _entities: unknown[] }>(listening.url, a.as, ENTITIES, {
      representations: [
        { __typename: 'User', id: b.admin.id },
        { __typename: 'Team', id: bTeam.id },
        { __typename: 'Tenant', id: b.tenant.id },
        { __typename: 'User', id: a.admin.id },
      ],
    });
    expect(entities.errors).toBeUndefined();
    expect(entities.data?._entities).toEqual([null, null, null, { id: a.admin.id, name: 'Ada Admin' }]);
  });

  it('shows nothing to the application role without a tenant (row-level security)', async () => {
    await tenantWithAdmin();
    expect(await platform.prisma.user.count()).toBe(0);
    expect(await platform.prisma.tenant.count()).toBe(0);
  });
});

describe('entity references', () => {
  it('resolves 200 references to 5 users with one query', async () => {
    const { tenant } = await tenantWithAdmin();
    const owners: UserModel[] = [];
    for (let i = 0; i < 5; i++) {
      owners.push(
        await platform.services.users.create(tenant.id, { email: `owner${i}@example.com`, name: `Owner ${i}`, password: PASSWORD, role: 'SALES_REP' }),
      );
    }
    const representations = Array.from({ length: 200 }, (_, i) => ({ __typename: 'User', id: owners[i % 5]!.id }));

    scratch.database.statements.reset();
    const result = await graphql<{ _entities: Array<{ id: string; name: string }> }>(
      listening.url,
      identity(tenant.id),
      ENTITIES,
      { representations },
    );
    const userQueries = scratch.database.statements.queries.filter((sql) => /"User"/.test(sql));

    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toHaveLength(200);
    expect(result.data?._entities[7]).toEqual({ id: owners[2]!.id, name: 'Owner 2' });
    expect(userQueries).toHaveLength(1);
  });
});

describe('login', () => {
  it('issues an EdDSA JWT that verifies against the served JWKS', async () => {
    const { tenant, admin } = await tenantWithAdmin();
    const result = await graphql<LoginData>(listening.url, identity(null), LOGIN, { email: admin.email.toUpperCase(), password: PASSWORD });
    expect(result.errors).toBeUndefined();
    const login = result.data!.login;
    expect(login).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(login.user).toEqual({ id: admin.id, email: admin.email, role: 'TENANT_ADMIN', tenant: { id: tenant.id, slug: tenant.slug }, team: null });

    const keys = createLocalJWKSet((await jwks()).body);
    const { payload, protectedHeader } = await jwtVerify(login.accessToken, keys, {
      issuer: 'crm-platform',
      audience: 'crm-api',
      algorithms: ['EdDSA'],
    });
    expect(protectedHeader.kid).toBe((await jwks()).body.keys[0]!.kid);
    expect(payload).toMatchObject({ sub: admin.id, tid: tenant.id, roles: ['TENANT_ADMIN'], email: admin.email });
    expect(payload.exp! - payload.iat!).toBe(900);
  });

  it('gives the same UNAUTHENTICATED error for a wrong password and an unknown email', async () => {
    const { admin } = await tenantWithAdmin();
    const wrong = await graphql(listening.url, identity(null), LOGIN, { email: admin.email, password: 'not the password' });
    const unknown = await graphql(listening.url, identity(null), LOGIN, { email: `${randomUUID()}@example.com`, password: PASSWORD });
    for (const result of [wrong, unknown]) {
      expect(result.data).toBeNull();
      expect(result.errors?.[0]).toMatchObject({ message: 'Invalid email or password', extensions: { code: 'UNAUTHENTICATED' } });
    }
  });

  it('needs tenantSlug when the email exists in several tenants', async () => {
    const email = `shared-${randomUUID().slice(0, 8)}@example.com`;
    const first = await tenantWithAdmin(email);
    const second = await tenantWithAdmin(email);

    const ambiguous = await graphql(listening.url, identity(null), LOGIN, { email, password: PASSWORD });
    expect(ambiguous.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tenantSlug' });

    for (const { tenant, admin } of [first, second]) {
      const chosen = await graphql<LoginData>(listening.url, identity(null), LOGIN, { email, password: PASSWORD, tenantSlug: tenant.slug });
      expect(chosen.errors).toBeUndefined();
      expect(chosen.data?.login.user).toMatchObject({ id: admin.id, tenant: { id: tenant.id } });
    }
  });

  it('refuses a deactivated user', async () => {
    const { tenant } = await tenantWithAdmin();
    const email = `gone-${randomUUID().slice(0, 8)}@example.com`;
    await platform.services.users.create(tenant.id, { email, name: 'Gone', password: PASSWORD, role: 'SALES_REP', active: false });
    const result = await graphql(listening.url, identity(null), LOGIN, { email, password: PASSWORD });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('provisioning services', () => {
  it('emits platform.tenant.created and platform.user.created through the outbox', async () => {
    const { tenant, admin } = await tenantWithAdmin();
    await platform.relay.flush();
    await expect.poll(() => published.filter((event) => event.tenantId === tenant.id).map((event) => event.type)).toEqual([
      'platform.tenant.created',
      'platform.user.created',
    ]);
    const userCreated = published.find((event) => event.type === 'platform.user.created' && event.aggregateId === admin.id);
    expect(userCreated?.payload).toEqual({ userId: admin.id, email: admin.email, name: 'Ada Admin', role: 'TENANT_ADMIN', teamId: null });
  });

  it('rejects taken slugs and emails with CONFLICT and bad input with BAD_USER_INPUT', async () => {
    const { tenant, admin } = await tenantWithAdmin();
    await expect(platform.services.tenants.create({ name: 'Copy', slug: tenant.slug })).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    await expect(
      platform.services.users.create(tenant.id, { email: admin.email, name: 'Twin', password: PASSWORD, role: 'SALES_REP' }),
    ).rejects.toMatchObject({ extensions: { code: 'CONFLICT', field: 'email' } });
    await expect(
      platform.services.users.create(tenant.id, { email: 'not-an-email', name: 'X', password: 'short', role: 'SALES_REP' }),
    ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const other = await tenantWithAdmin();
    const foreignTeam = await platform.services.teams.create(other.tenant.id, { name: 'Theirs' });
    await expect(
      platform.services.users.create(tenant.id, { email: 'x@example.com', name: 'X', password: PASSWORD, role: 'SALES_REP', teamId: foreignTeam.id }),
    ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'teamId' } });
  });

  it('finds a tenant by slug', async () => {
    const { tenant } = await tenantWithAdmin();
    expect(await platform.services.tenants.findBySlug(tenant.slug)).toMatchObject({ id: tenant.id });
    expect(await platform.services.tenants.findBySlug('no-such-tenant')).toBeNull();
  });
});

describe('signing keys', () => {
  it('keeps the same key across a restart, so issued tokens stay valid', async () => {
    const { admin } = await tenantWithAdmin();
    const before = await jwks();
    const token = (await platform.services.auth.login({ email: admin.email, password: PASSWORD })).accessToken;

    await platform.stop();
    await startPlatform();

    const after = await jwks();
    expect(after.body.keys.map((key) => key.kid)).toEqual(before.body.keys.map((key) => key.kid));
    expect(decodeProtectedHeader(token).kid).toBe(after.body.keys[0]!.kid);
    await expect(jwtVerify(token, createLocalJWKSet(after.body), { issuer: 'crm-platform', audience: 'crm-api' })).resolves.toBeTruthy();
  });
});
