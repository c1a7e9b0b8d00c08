/**
 * The foundation, end to end through the gateway on real PostgreSQL, Redis and Kafka:
 * login, cross-subgraph reads, tenancy at every door, bad input, a subgraph outage,
 * the event path into the analytics read model, and the identity header contract.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIdentity } from '@crm/runtime';
import type { Stack } from '@crm/stack';
import { eventually, gql, gqlOk, startRealStack } from '@crm/testkit';
import { seedSalesTenant, type SalesTenant } from './fixtures.ts';

let stack: Stack;
let acme: SalesTenant;
let globex: SalesTenant;

beforeAll(async () => {
  stack = await startRealStack();
  [acme, globex] = [await seedSalesTenant(stack, 'acme'), await seedSalesTenant(stack, 'globex')];
});
afterAll(async () => {
  await stack?.stop();
});

const BOARD = `query Board($pipelineId: ID!) {
  deals(pipelineId: $pipelineId) { id name amount currency stage { name } account { name } owner { name } }
}`;

interface BoardDeal {
  id: string;
  name: string;
  amount: string;
  currency: string;
  stage: { name: string };
  account: { name: string } | null;
  owner: { name: string } | null;
}

describe('login and cross-subgraph reads', () => {
  it('logs in and reads the signed-in user', async () => {
    const data = await gqlOk<{ me: { email: string; role: string; tenant: { slug: string } } }>(
      stack.gatewayUrl,
      '{ me { email role tenant { slug } } }',
      {},
      { token: acme.admin.token },
    );
    expect(data.me).toEqual({ email: acme.admin.email, role: 'TENANT_ADMIN', tenant: { slug: acme.slug } });
  });

  it('joins deals to accounts (customer) and owners (platform)', async () => {
    // the admin's board shows every deal (a rep's only their own)
    const data = await gqlOk<{ deals: BoardDeal[] }>(stack.gatewayUrl, BOARD, { pipelineId: acme.pipeline.id }, { token: acme.admin.token });
    expect(data.deals).toHaveLength(acme.deals.length);
    const first = data.deals.find((d) => d.name === 'acme deal 0')!;
    expect(first).toMatchObject({
      amount: '1000.50',
      currency: 'USD',
      stage: { name: 'Qualification' },
      account: { name: 'acme Alpha' },
      owner: { name: 'acme Admin' },
    });
    const second = data.deals.find((d) => d.name === 'acme deal 1')!;
    expect(second.account).toEqual({ name: 'acme Beta' });
    expect(second.owner).toEqual({ name: 'acme Rep' });
  });

  it('lets sales contribute Account.deals', async () => {
    const data = await gqlOk<{ account: { name: string; deals: Array<{ name: string }> } }>(
      stack.gatewayUrl,
      'query($id: ID!) { account(id: $id) { name deals { name } } }',
      { id: acme.accounts[0]!.id },
      { token: acme.admin.token },
    );
    expect(data.account.name).toBe('acme Alpha');
    expect(data.account.deals.map((d) => d.name).sort()).toEqual(['acme deal 0', 'acme deal 2', 'acme deal 4']);
  });

  it('batches entity references: one data query per entity type per subgraph', async () => {
    // The outbox relays poll their databases in the background; only the request's own queries count.
    const requestQueries = (domain: 'customer' | 'platform' | 'sales') =>
      stack.subgraphs[domain].database.statements.queries.filter((sql) => !/"OutboxEvent"|pg_try_advisory/i.test(sql));
    for (const domain of ['customer', 'platform', 'sales'] as const) stack.subgraphs[domain].database.statements.reset();
    const data = await gqlOk<{ deals: BoardDeal[] }>(stack.gatewayUrl, BOARD, { pipelineId: acme.pipeline.id }, { token: acme.admin.token });
    expect(data.deals).toHaveLength(acme.deals.length);
    expect(requestQueries('customer')).toHaveLength(1); // every Account of the page at once
    expect(requestQueries('customer')[0]).toMatch(/"Account"/);
    expect(requestQueries('platform')).toHaveLength(1); // every owner (User) at once
    expect(requestQueries('platform')[0]).toMatch(/"User"/);
    expect(requestQueries('sales')).toHaveLength(2); // the deals, then their stages
  });
});

describe('tenancy', () => {
  it('does not return another tenant’s records by id, by list or through a nested entity', async () => {
    const token = globex.admin.token;
    const byId = await gql<{ deal: unknown; account: unknown }>(
      stack.gatewayUrl,
      'query($deal: ID!, $account: ID!) { deal(id: $deal) { id name } account(id: $account) { id name } }',
      { deal: acme.deals[0]!.id, account: acme.accounts[0]!.id },
      { token },
    );
    expect(byId.data?.deal ?? null).toBeNull();
    expect(byId.data?.account ?? null).toBeNull();

    const list = await gql<{ deals: unknown[] }>(stack.gatewayUrl, BOARD, { pipelineId: acme.pipeline.id }, { token });
    expect(list.data?.deals ?? []).toEqual([]);

    // A globex deal that points at an acme account is refused and not written (a reference stored
    // past the API never resolves either: tenant-isolation.e2e.spec.ts).
    const sneaky = await gql<{ createDeal: { id: string } | null }>(
      stack.gatewayUrl,
      'mutation($input: CreateDealInput!) { createDeal(input: $input) { id } }',
      { input: { pipelineId: globex.pipeline.id, name: 'cross-tenant link', amount: '1', currency: 'USD', accountId: acme.accounts[0]!.id } },
      { token },
    );
    expect(sneaky.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'accountId' });
    const written = await gqlOk<{ dealsConnection: { totalCount: number } }>(stack.gatewayUrl, '{ dealsConnection(filter: { name: { eq: "cross-tenant link" } }) { totalCount } }', {}, { token });
    expect(written.dealsConnection.totalCount).toBe(0);
  });

  it('ignores client-supplied identity headers', async () => {
    const forged = signIdentity({ tenantId: acme.tenantId, userId: acme.admin.id, roles: ['TENANT_ADMIN'], requestId: 'x' }, 'not-the-secret-but-long-enough-000000');
    const result = await gqlOk<{ me: { email: string } }>(stack.gatewayUrl, '{ me { email } }', {}, {
      token: globex.admin.token,
      headers: { 'x-crm-identity': forged },
    });
    expect(result.me.email).toBe(globex.admin.email);
  });

  it('refuses direct subgraph calls without the gateway signature, including _entities and _service', async () => {
    const sales = stack.subgraphs.sales.url;
    const entities = {
      query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Deal { id name } } }',
      variables: { r: [{ __typename: 'Deal', id: acme.deals[0]!.id }] },
    };
    for (const body of [entities, { query: '{ _service { sdl } }' }, { query: '{ pipelines { id } }' }]) {
      const response = await fetch(sales, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(response.status).toBe(401);
    }
    const forged = await fetch(sales, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-crm-identity': signIdentity({ tenantId: acme.tenantId, userId: null, roles: [], requestId: 'r' }, 'wrong-secret-wrong-secret-wrong-secret') },
      body: JSON.stringify(entities),
    });
    expect(forged.status).toBe(401);

    // Correctly signed for globex, asking for an acme deal: resolves to null.
    const signed = await fetch(sales, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-crm-identity': signIdentity({ tenantId: globex.tenantId, userId: globex.admin.id, roles: ['TENANT_ADMIN'], requestId: 'r' }, stack.config.signingSecret) },
      body: JSON.stringify(entities),
    });
    expect(signed.status).toBe(200);
    expect(((await signed.json()) as { data: { _entities: unknown[] } }).data._entities).toEqual([null]);
  });
});

describe('bad input', () => {
  it('answers malformed JSON with 400 and a clear message', async () => {
    const response = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": "{ me { id }' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ message: string }> };
    expect(body.errors[0]!.message).toMatch(/not valid JSON/);
  });

  it('answers a GraphQL syntax error with 400 GRAPHQL_PARSE_FAILED', async () => {
    const result = await gql(stack.gatewayUrl, '{ deals(pipelineId: ) { id }', {}, { token: acme.admin.token });
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('rejects invalid amounts and currencies with BAD_USER_INPUT and writes nothing', async () => {
    for (const [amount, currency] of [['-5', 'USD'], ['12.345', 'USD'], ['abc', 'USD'], ['10', 'XXZ']] as const) {
      const result = await gql(
        stack.gatewayUrl,
        'mutation($input: CreateDealInput!) { createDeal(input: $input) { id } }',
        { input: { pipelineId: acme.pipeline.id, name: 'bad', amount, currency } },
        { token: acme.admin.token },
      );
      expect(result.errors?.[0]?.extensions?.code, `${amount} ${currency}`).toBe('BAD_USER_INPUT');
    }
    const data = await gqlOk<{ deals: BoardDeal[] }>(stack.gatewayUrl, BOARD, { pipelineId: acme.pipeline.id }, { token: acme.admin.token });
    expect(data.deals.filter((d) => d.name === 'bad')).toEqual([]);
  });

  it('answers protected queries without a token with UNAUTHENTICATED', async () => {
    const result = await gql(stack.gatewayUrl, BOARD, { pipelineId: acme.pipeline.id });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers a wrong password with UNAUTHENTICATED', async () => {
    const result = await gql(stack.gatewayUrl, 'mutation { login(email: "' + acme.admin.email + '", password: "wrong") { accessToken } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('events', () => {
  it('builds the pipeline summary read model from sales events through Kafka', async () => {
    const qualification = acme.pipeline.stages[0]!;
    const discovery = acme.pipeline.stages[1]!;
    await gqlOk(stack.gatewayUrl, 'mutation($id: ID!, $stage: ID!) { moveDeal(id: $id, stageId: $stage) { id } }', { id: acme.deals[0]!.id, stage: discovery.id }, { token: acme.admin.token });
    const summary = await eventually(async () => {
      const data = await gqlOk<{ pipeline: { summary: { dealCount: number; stages: Array<{ stage: { id: string; name: string }; dealCount: number; amounts: Array<{ currency: string; amount: string }> }> } } }>(
        stack.gatewayUrl,
        'query($id: ID!) { pipeline(id: $id) { summary { dealCount stages { stage { id name } dealCount amounts { currency amount } } } } }',
        { id: acme.pipeline.id },
        { token: acme.admin.token },
      );
      const s = data.pipeline.summary;
      const moved = s.stages.find((x) => x.stage.id === discovery.id);
      return s.dealCount === acme.deals.length && moved?.dealCount === 1 ? s : null;
    });
    const inQualification = summary.stages.find((x) => x.stage.id === qualification.id)!;
    expect(inQualification.stage.name).toBe('Qualification');
    expect(inQualification.dealCount).toBe(acme.deals.length - 1);
    // deals 1..5 are worth 2000.50 … 6000.50; deal 0 (1000.50) moved to discovery
    expect(inQualification.amounts).toEqual([{ currency: 'USD', amount: '20002.50' }]);
    expect(summary.stages.find((x) => x.stage.id === discovery.id)!.amounts).toEqual([{ currency: 'USD', amount: '1000.50' }]);
  });
});

describe('a subgraph outage', () => {
  it('answers with the data it has plus an error naming the failed subgraph, then recovers', async () => {
    await stack.subgraphs.customer.pause();
    try {
      const result = await gql<{ deals: BoardDeal[] }>(stack.gatewayUrl, BOARD, { pipelineId: acme.pipeline.id }, { token: acme.admin.token });
      expect(result.status).toBe(200);
      expect(result.data?.deals.length).toBe(acme.deals.length);
      expect(result.data?.deals[0]?.owner?.name).toMatch(/acme/);
      expect(result.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(result.errors)).toMatch(/customer/);
    } finally {
      await stack.subgraphs.customer.resume();
    }
    const healed = await gqlOk<{ deals: BoardDeal[] }>(stack.gatewayUrl, BOARD, { pipelineId: acme.pipeline.id }, { token: acme.admin.token });
    expect(healed.deals.every((d) => d.account?.name.startsWith('acme'))).toBe(true);
  });
});
