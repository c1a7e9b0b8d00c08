import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { forTenant } from '@crm/db';
import { createLogger } from '@crm/runtime';
import { createIntegrationSubgraph } from './index.ts';
import { dataStatementsDuring, startIntegrationHarness, type IntegrationHarness } from './testing/harness.ts';

let h: IntegrationHarness;
beforeAll(async () => {
  h = await startIntegrationHarness();
});
afterAll(async () => {
  await h?.close();
});

const actorOf = (userId: string) => ({ userId, kind: 'user' as const });

const REGISTER = /* GraphQL */ `
  mutation ($input: RegisterWebhookEndpointInput!) {
    registerWebhookEndpoint(input: $input) {
      secret
      endpoint { id url description events active secretHint createdAt }
    }
  }
`;
const DELETE = 'mutation ($id: ID!) { deleteWebhookEndpoint(id: $id) }';
const LIST = '{ webhookEndpoints { id url events secretHint } }';
const ENTITIES = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) { ... on WebhookEndpoint { id url } }
  }
`;

interface Registered {
  registerWebhookEndpoint: {
    secret: string;
    endpoint: { id: string; url: string; description: string | null; events: string[]; active: boolean; secretHint: string; createdAt: string };
  };
}

describe('registering webhook endpoints', () => {
  it('returns the secret once, lists the endpoint with only a hint, and stores the secret encrypted', async () => {
    const { tenantId, userId, identity } = h.newTenant();
    const result = await h.request<Registered>(
      REGISTER,
      { input: { url: 'https://hooks.example.com/crm', events: ['sales.deal.*', 'customer.account.created', 'sales.deal.*'], description: ' Deals feed ' } },
      identity,
    );
    expect(result.errors).toBeUndefined();
    const { secret, endpoint } = result.data!.registerWebhookEndpoint;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(endpoint).toMatchObject({
      url: 'https://hooks.example.com/crm',
      description: 'Deals feed',
      events: ['sales.deal.*', 'customer.account.created'],
      active: true,
      secretHint: `whsec_…${secret.slice(-4)}`,
    });

    const list = await h.request<{ webhookEndpoints: { id: string; secretHint: string }[] }>(LIST, {}, identity);
    expect(list.data!.webhookEndpoints).toEqual([expect.objectContaining({ id: endpoint.id, secretHint: endpoint.secretHint })]);
    expect(JSON.stringify(list)).not.toContain(secret);

    const [row] = await h.subgraph.services.webhookEndpoints.list(forTenant(h.subgraph.prisma, tenantId), { first: 10 });
    expect(row!.secretCiphertext).not.toContain(secret.slice(6));
    expect(row!.createdBy).toBe(userId);
    expect(h.subgraph.services.webhookEndpoints.signingSecretOf(row!)).toBe(secret);
  });

  it.each([
    [{ url: 'http://hooks.example.com/', events: ['*'] }, 'url', 'https'],
    [{ url: 'https://user:pw@hooks.example.com/', events: ['*'] }, 'url', 'credentials'],
    [{ url: 'https://169.254.169.254/latest', events: ['*'] }, 'url', 'private'],
    [{ url: 'https://localhost:8443/', events: ['*'] }, 'url', 'localhost'],
    [{ url: 'https://[::1]/', events: ['*'] }, 'url', 'private'],
    [{ url: 'not a url', events: ['*'] }, 'url', 'valid'],
    [{ url: 'https://hooks.example.com/', events: [] }, 'events', 'at least one'],
    [{ url: 'https://hooks.example.com/', events: ['Sales.Deal'] }, 'events.0', 'not an event type'],
    [{ url: 'https://hooks.example.com/', events: ['sales.*.won'] }, 'events.0', 'not an event type'],
  ])('rejects %o with BAD_USER_INPUT on %s', async (input, field, reason) => {
    const { identity } = h.newTenant();
    const result = await h.request(REGISTER, { input }, identity);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(result.errors?.[0]?.message).toContain(reason);
    const list = await h.request<{ webhookEndpoints: unknown[] }>(LIST, {}, identity);
    expect(list.data!.webhookEndpoints).toEqual([]);
  });

  it('allows at most 20 endpoints per tenant, even when registered concurrently', async () => {
    const { tenantId, userId, identity } = h.newTenant();
    const attempts = await Promise.allSettled(
      Array.from({ length: 22 }, (_, i) =>
        h.subgraph.services.webhookEndpoints.register(tenantId, actorOf(userId), { url: `https://hooks.example.com/${i}`, events: ['*'] }),
      ),
    );
    expect(attempts.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(20);
    const refused = attempts.filter((attempt): attempt is PromiseRejectedResult => attempt.status === 'rejected');
    expect(refused.map((attempt) => (attempt.reason as { extensions?: { code?: string } }).extensions?.code)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);

    const over = await h.request(REGISTER, { input: { url: 'https://hooks.example.com/21', events: ['*'] } }, identity);
    expect(over.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(over.errors?.[0]?.message).toContain('at most 20');
    const list = await h.request<{ webhookEndpoints: unknown[] }>('{ webhookEndpoints(first: 100) { id } }', {}, identity);
    expect(list.data!.webhookEndpoints).toHaveLength(20);
  });

  it('rejects first above 100 with BAD_USER_INPUT', async () => {
    const { identity } = h.newTenant();
    const result = await h.request('{ webhookEndpoints(first: 500) { id } }', {}, identity);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});

describe('insecure URLs', () => {
  it('are accepted when the deployment allows them (development)', async () => {
    const dev = await createIntegrationSubgraph({
      database: h.database,
      bus: h.bus,
      signingSecret: randomBytes(32).toString('base64url'),
      logger: createLogger('integration', 'silent'),
      secretKey: randomBytes(32),
      allowInsecureUrls: true,
    });
    try {
      const { tenantId, userId } = h.newTenant();
      const { endpoint } = await dev.services.webhookEndpoints.register(tenantId, actorOf(userId), { url: 'http://127.0.0.1:9999/hook', events: ['*'] });
      expect(endpoint.url).toBe('http://127.0.0.1:9999/hook');
    } finally {
      await dev.stop();
    }
  });
});

describe('deleting webhook endpoints', () => {
  it('deletes an endpoint of the tenant and NOT_FOUND otherwise', async () => {
    const owner = h.newTenant();
    const { endpoint } = await h.subgraph.services.webhookEndpoints.register(owner.tenantId, actorOf(owner.userId), {
      url: 'https://hooks.example.com/x',
      events: ['*'],
    });

    const intruder = h.newTenant();
    const refused = await h.request(DELETE, { id: endpoint.id }, intruder.identity);
    expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const deleted = await h.request(DELETE, { id: endpoint.id }, owner.identity);
    expect(deleted.data).toEqual({ deleteWebhookEndpoint: true });
    const again = await h.request(DELETE, { id: endpoint.id }, owner.identity);
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const garbage = await h.request(DELETE, { id: 'nope' }, owner.identity);
    expect(garbage.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const list = await h.request<{ webhookEndpoints: unknown[] }>(LIST, {}, owner.identity);
    expect(list.data!.webhookEndpoints).toEqual([]);
  });
});

describe('gateway signature', () => {
  it.each([
    ['a query', LIST],
    ['_entities', `{ _entities(representations: [{ __typename: "WebhookEndpoint", id: "${randomUUID()}" }]) { ... on WebhookEndpoint { id } } }`],
    ['_service', '{ _service { sdl } }'],
  ])('refuses %s without the identity header with 401', async (_label, query) => {
    const result = await h.request(query, {}, null);
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('asks a signed caller without a tenant to sign in', async () => {
    const result = await h.request(LIST, {}, { tenantId: null, userId: null, roles: [], requestId: randomUUID() });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('entities', () => {
  it("resolves the tenant's endpoints in one query and another tenant's to null", async () => {
    const owner = h.newTenant();
    const endpoints = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        h.subgraph.services.webhookEndpoints.register(owner.tenantId, actorOf(owner.userId), { url: `https://hooks.example.com/e${i}`, events: ['*'] }),
      ),
    );
    const representations = Array.from({ length: 50 }, (_, i) => ({ __typename: 'WebhookEndpoint', id: endpoints[i % 5]!.endpoint.id }));
    let mine: { data?: { _entities: ({ id: string } | null)[] } | null } = {};
    const statements = await dataStatementsDuring(h.database, async () => {
      mine = await h.request<{ _entities: ({ id: string } | null)[] }>(ENTITIES, { representations }, owner.identity);
    });
    expect(mine.data!._entities.map((entity) => entity?.id)).toEqual(representations.map((r) => r.id));
    expect(statements).toHaveLength(1);

    const intruder = h.newTenant();
    const theirs = await h.request<{ _entities: unknown[] }>(ENTITIES, { representations: representations.slice(0, 3) }, intruder.identity);
    expect(theirs.data!._entities).toEqual([null, null, null]);
  });

  it('row-level security hides every row from a connection without a tenant', async () => {
    const { tenantId, userId } = h.newTenant();
    await h.subgraph.services.webhookEndpoints.register(tenantId, actorOf(userId), { url: 'https://hooks.example.com/h', events: ['*'] });
    expect(await h.subgraph.prisma.webhookEndpoint.count({ where: { tenantId } })).toBe(0);
  });
});

describe('events', () => {
  it('publishes registered and deleted events without the secret', async () => {
    const { tenantId, userId, identity } = h.newTenant();
    const registered = await h.request<Registered>(REGISTER, { input: { url: 'https://hooks.example.com/ev', events: ['customer.*'] } }, identity);
    const { endpoint, secret } = registered.data!.registerWebhookEndpoint;
    await h.request(DELETE, { id: endpoint.id }, identity);
    await vi.waitFor(() => {
      const mine = h.published.filter((event) => event.tenantId === tenantId);
      expect(mine.map((event) => [event.type, event.aggregateId])).toEqual([
        ['integration.webhook_endpoint.registered', endpoint.id],
        ['integration.webhook_endpoint.deleted', endpoint.id],
      ]);
    });
    const mine = h.published.filter((event) => event.tenantId === tenantId);
    expect(mine[0]).toMatchObject({ actor: { userId, kind: 'user' }, payload: { url: 'https://hooks.example.com/ev', events: ['customer.*'] } });
    expect(JSON.stringify(mine)).not.toContain(secret.slice(6));
  });
});
