/**
 * The public edge under hostile and greedy callers: operation limits, demand control, rate
 * limits (also with Redis unreachable), endpoint hygiene and metrics, through the real stack.
 * Every refusal is a 4xx with a clear `extensions.code`; the gateway keeps serving afterwards.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway, GatewayOptions } from '@crm/gateway';
import { RedisCache } from '@crm/runtime';
import { startExtraGateway, type Stack } from '@crm/stack';
import { eventually, gql, moveDeal, startRealStack, subscribe } from '@crm/testkit';
import { seedSalesTenant, type SalesTenant } from './fixtures.ts';

let stack: Stack;
let tenant: SalesTenant;
const extra: Array<{ gateway: Gateway; close?: () => Promise<void> }> = [];

beforeAll(async () => {
  stack = await startRealStack();
  tenant = await seedSalesTenant(stack, 'limits', 3);
});
afterAll(async () => {
  for (const { gateway, close } of extra) {
    await gateway.stop();
    await close?.();
  }
  await stack?.stop();
});

/** The middle of the current minute: requests of one test always fall in the same window. */
const midMinute = Date.now() - (Date.now() % 60_000) + 30_000;
const clock = () => midMinute;

/** A second gateway over the same subgraphs with its own settings and rate-limit counters. */
async function gatewayWith(overrides: Partial<GatewayOptions>, close?: () => Promise<void>): Promise<string> {
  // its own counters: requests of the seeding (through the stack's gateway) do not count here
  const { gateway, url } = await startExtraGateway(stack, 'gateway-limits-test', overrides);
  extra.push({ gateway, ...(close ? { close } : {}) });
  return url;
}

/** Raw POST: status, headers and parsed body (or text). */
async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await response.text();
  let json: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }>; extensions?: Record<string, unknown> } = {};
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    json = {};
  }
  return { status: response.status, headers: response.headers, json, text };
}

const codeOf = (result: { json: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) => result.json.errors?.[0]?.extensions?.code;

async function stillServing() {
  const result = await gql<{ me: { id: string } }>(stack.gatewayUrl, '{ me { id } }', {}, { token: tenant.admin.token });
  expect(result.status).toBe(200);
  expect(result.data?.me.id).toBe(tenant.admin.id);
}

const nested = (depth: number) => {
  let selection = 'id';
  for (let i = 0; i < depth; i++) selection = i % 2 ? `account { ${selection} }` : `deals(first: 1) { ${selection} }`;
  return `{ accounts(first: 1) { ${selection} } }`;
};

describe('operation limits', () => {
  it('refuses a document nested deeper than the limit', async () => {
    const result = await post(stack.gatewayUrl, JSON.stringify({ query: nested(14) }), { authorization: `Bearer ${tenant.admin.token}` });
    expect(result.status).toBe(400);
    expect(codeOf(result)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.json.errors?.[0]?.message).toMatch(/depth/i);
  });

  it('counts depth through fragments (no fragment-cache bypass)', async () => {
    const query = `
      query { accounts(first: 1) { ...A } }
      fragment A on Account { deals(first: 1) { account { ...B } } }
      fragment B on Account { deals(first: 1) { account { ...C } } }
      fragment C on Account { deals(first: 1) { account { ...D } } }
      fragment D on Account { deals(first: 1) { account { ...E } } }
      fragment E on Account { deals(first: 1) { account { ...F } } }
      fragment F on Account { deals(first: 1) { account { ...G } } }
      fragment G on Account { deals(first: 1) { account { id } } }`;
    const result = await post(stack.gatewayUrl, JSON.stringify({ query }), { authorization: `Bearer ${tenant.admin.token}` });
    expect(result.status).toBe(400);
    expect(codeOf(result)).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses too many aliases', async () => {
    const query = `{ me { ${Array.from({ length: 20 }, (_, i) => `a${i}: id`).join(' ')} } }`;
    const result = await post(stack.gatewayUrl, JSON.stringify({ query }), { authorization: `Bearer ${tenant.admin.token}` });
    expect(result.status).toBe(400);
    expect(codeOf(result)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.json.errors?.[0]?.message).toMatch(/alias/i);
  });

  it('refuses too many root fields (fan-out), fragments included', async () => {
    const query = `{ me { id } tenant { id } ...R } fragment R on Query { pipelines { id } teams { id } users(first: 1) { id } accounts(first: 1) { id } contacts(first: 1) { id } leads(first: 1) { id } deal(id: "x") { id } account(id: "x") { id } contact(id: "x") { id } }`;
    const result = await post(stack.gatewayUrl, JSON.stringify({ query }), { authorization: `Bearer ${tenant.admin.token}` });
    expect(result.status).toBe(400);
    expect(codeOf(result)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.json.errors?.[0]?.message).toMatch(/11 root fields; at most 10/);
  });

  it('refuses too many directives', async () => {
    const query = `{ me { id ${'@include(if: true) '.repeat(60)} } }`;
    const result = await post(stack.gatewayUrl, JSON.stringify({ query }), { authorization: `Bearer ${tenant.admin.token}` });
    expect(result.status).toBe(400);
    expect(codeOf(result)).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses a document with too many tokens', async () => {
    const query = `{ me { ${'id '.repeat(6000)} } }`;
    const result = await post(stack.gatewayUrl, JSON.stringify({ query }), { authorization: `Bearer ${tenant.admin.token}` });
    expect(result.status).toBe(400);
    expect(codeOf(result)).toBe('GRAPHQL_PARSE_FAILED');
    expect(result.json.errors?.[0]?.message).toMatch(/tokens/);
  });

  it('refuses fragment bombs (fields doubling through spreads)', async () => {
    let query = '{ ...F30 } fragment F0 on Query { __typename }';
    for (let i = 1; i <= 30; i++) query += ` fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`;
    const result = await post(stack.gatewayUrl, JSON.stringify({ query }), { authorization: `Bearer ${tenant.admin.token}` });
    expect(result.status).toBe(400);
    expect(codeOf(result)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.json.errors?.[0]?.message).toMatch(/fields with fragments expanded; at most 2000/);
    await stillServing();
  });

  it('refuses fragment cycles', async () => {
    const query = `{ accounts(first: 1) { ...A } } fragment A on Account { deals(first: 1) { account { ...B } } } fragment B on Account { ...A }`;
    const result = await post(stack.gatewayUrl, JSON.stringify({ query }), { authorization: `Bearer ${tenant.admin.token}` });
    expect(result.status).toBe(400);
    expect(codeOf(result)).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('caps page sizes, as literals and as variables, naming the argument', async () => {
    const literal = await post(stack.gatewayUrl, JSON.stringify({ query: `{ deals(pipelineId: "${tenant.pipeline.id}", first: 501) { id } }` }), {
      authorization: `Bearer ${tenant.admin.token}`,
    });
    expect(literal.status).toBe(400);
    expect(codeOf(literal)).toBe('BAD_USER_INPUT');
    expect(literal.json.errors?.[0]?.extensions?.field).toBe('first');
    const variable = await post(
      stack.gatewayUrl,
      JSON.stringify({ query: 'query($n: Int) { accounts(first: 1) { deals(first: $n) { id } } }', variables: { n: 10_000 } }),
      { authorization: `Bearer ${tenant.admin.token}` },
    );
    expect(variable.status).toBe(400);
    expect(codeOf(variable)).toBe('BAD_USER_INPUT');
    expect(variable.json.errors?.[0]?.message).toBe('`first` is at most 500');
  });

  it('refuses hostile bodies with 4xx and keeps serving', async () => {
    const auth = { authorization: `Bearer ${tenant.admin.token}` };
    const huge = await post(stack.gatewayUrl, JSON.stringify({ query: `{ me { id } } # ${'x'.repeat(2 * 1024 * 1024)}` }), auth);
    expect(huge.status).toBe(413);
    const invalidUtf8 = await post(stack.gatewayUrl, Buffer.concat([Buffer.from('{"query":"{ me { id } '), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('"}')]), auth);
    expect(invalidUtf8.status).toBe(400);
    const invalidUtf8Json = await post(stack.gatewayUrl, Buffer.concat([Buffer.from('{"query":'), Buffer.from([0xff, 0xfe, 0xfd]), Buffer.from('}')]), auth);
    expect(invalidUtf8Json.status).toBe(400);
    const invalidJson = await post(stack.gatewayUrl, '{"query": "{ me { id } }"', auth);
    expect(invalidJson.status).toBe(400);
    for (const body of ['42', '"query"', 'null', 'true']) {
      const result = await post(stack.gatewayUrl, body, auth);
      expect(result.status).toBe(400);
    }
    const batched = await post(stack.gatewayUrl, JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]), auth);
    expect(batched.status).toBe(400);
    const wide = await post(stack.gatewayUrl, JSON.stringify({ query: `{ me { ${'id name email '.repeat(1500)} } }` }), auth);
    expect(wide.status).toBe(400);
    const noQuery = await post(stack.gatewayUrl, JSON.stringify({ variables: {} }), auth);
    expect(noQuery.status).toBe(400);
    await stillServing();
  });
});

describe('demand control', () => {
  it('reports estimated and actual cost in the response', async () => {
    const result = await post(stack.gatewayUrl, JSON.stringify({ query: `{ deals(pipelineId: "${tenant.pipeline.id}", first: 50) { id account { name } } }` }), {
      authorization: `Bearer ${tenant.admin.token}`,
    });
    expect(result.status).toBe(200);
    // 50 deals × (deal 1 + account 1)
    expect(result.json.extensions?.cost).toEqual({ estimated: 100, actual: 6, max: 10_000 });
  });

  it('refuses an operation above the maximum cost with the figures', async () => {
    const query = '{ accounts(first: 100) { deals(first: 100) { account { contacts { id } } } } }';
    const result = await post(stack.gatewayUrl, JSON.stringify({ query }), { authorization: `Bearer ${tenant.admin.token}` });
    expect(result.status).toBe(400);
    expect(result.json.errors?.[0]?.extensions).toEqual({ code: 'COST_ESTIMATED_TOO_EXPENSIVE', estimated: 120_100, max: 10_000 });
    expect(result.json.data).toBeUndefined();
  });

  it("charges the tenant's budget per minute and refuses once it is spent", async () => {
    const url = await gatewayWith({ demandControl: { budgetPerMinute: 250, clock } });
    const own = await seedSalesTenant(stack, 'budget', 1);
    const query = `{ deals(pipelineId: "${own.pipeline.id}", first: 50) { id account { name } } }`; // 100 points
    const first = await post(url, JSON.stringify({ query }), { authorization: `Bearer ${own.admin.token}` });
    const second = await post(url, JSON.stringify({ query }), { authorization: `Bearer ${own.rep.token}` });
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await post(url, JSON.stringify({ query }), { authorization: `Bearer ${own.admin.token}` });
    expect(third.status).toBe(429);
    expect(codeOf(third)).toBe('RATE_LIMITED');
    expect(third.json.errors?.[0]?.extensions).toMatchObject({ estimated: 100, remaining: 50 });
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    // another tenant's budget is untouched
    const other = await post(url, JSON.stringify({ query: `{ deals(pipelineId: "${tenant.pipeline.id}", first: 50) { id } }` }), { authorization: `Bearer ${tenant.admin.token}` });
    expect(other.status).toBe(200);
  });
});

describe('demand control and live boards', () => {
  it("delivers a subscription's board events with their deal even once the tenant's budget is spent", async () => {
    const url = await gatewayWith({ demandControl: { budgetPerMinute: 250, clock } });
    const own = await seedSalesTenant(stack, 'budget-live', 2);
    const [first, second] = [own.deals[0]!, own.deals[1]!];
    const board = subscribe<{ pipelineBoard: { dealId: string; deal: { id: string; name: string; account: { name: string } | null } | null } }>(
      url.replace(/^http/, 'ws'),
      own.admin.token,
      'subscription($p: ID!) { pipelineBoard(pipelineId: $p) { type dealId deal { id name account { name } } } }',
      { p: own.pipeline.id },
    );
    try {
      // subscribed once its first event arrives (moves go through the stack's gateway)
      let stage = 0;
      await eventually(async () => {
        await moveDeal(stack.gatewayUrl, own.admin.token, first.id, own.pipeline.stages[++stage % 3]!.id);
        return board.received.length > 0;
      });
      // spend the whole budget: 100-point reads until refused, then a read of exactly what is left
      const read = (n: number) => post(url, JSON.stringify({ query: `{ deals(pipelineId: "${own.pipeline.id}", first: ${n}) { id } }` }), { authorization: `Bearer ${own.admin.token}` });
      let refused = await read(100);
      while (refused.status === 200) refused = await read(100);
      expect(codeOf(refused)).toBe('RATE_LIMITED');
      const left = refused.json.errors?.[0]?.extensions?.remaining as number;
      if (left > 0) expect((await read(left)).status).toBe(200);
      expect(codeOf(await read(1))).toBe('RATE_LIMITED');

      // the events keep coming with their deal: resolving it is part of the subscription, not a new operation
      await moveDeal(stack.gatewayUrl, own.admin.token, second.id, own.pipeline.stages[1]!.id);
      const event = await board.next((p) => p.data?.pipelineBoard.dealId === second.id);
      expect(event.errors).toBeUndefined();
      expect(event.data?.pipelineBoard.deal).toMatchObject({ id: second.id, name: expect.any(String) });
      expect(codeOf(await read(1))).toBe('RATE_LIMITED');
    } finally {
      await board.close();
    }
  });
});

describe('rate limits', () => {
  it('sends RateLimit headers and refuses with 429 + retry-after over the per-user limit', async () => {
    const url = await gatewayWith({ rateLimit: { perUser: 3, perTenant: 100, clock } });
    const own = await seedSalesTenant(stack, 'rate', 0);
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await post(url, JSON.stringify({ query: '{ me { id } }' }), { authorization: `Bearer ${own.admin.token}` });
      statuses.push(last.status);
      if (i === 0) {
        expect(last.headers.get('ratelimit-limit')).toBe('3');
        expect(last.headers.get('ratelimit-remaining')).toBe('2');
        expect(Number(last.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
        expect(last.headers.get('ratelimit-policy')).toBe('"tenant";q=100;w=60, "user";q=3;w=60');
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(codeOf(last!)).toBe('RATE_LIMITED');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last!.headers.get('ratelimit-remaining')).toBe('0');
    // a colleague in the same tenant still has their own allowance
    const colleague = await post(url, JSON.stringify({ query: '{ me { id } }' }), { authorization: `Bearer ${own.rep.token}` });
    expect(colleague.status).toBe(200);
  });

  it('limits a whole tenant', async () => {
    const url = await gatewayWith({ rateLimit: { perUser: 100, perTenant: 2, clock } });
    const own = await seedSalesTenant(stack, 'tenant-rate', 0);
    const a = await post(url, JSON.stringify({ query: '{ me { id } }' }), { authorization: `Bearer ${own.admin.token}` });
    const b = await post(url, JSON.stringify({ query: '{ me { id } }' }), { authorization: `Bearer ${own.rep.token}` });
    const c = await post(url, JSON.stringify({ query: '{ me { id } }' }), { authorization: `Bearer ${own.rep.token}` });
    expect([a.status, b.status, c.status]).toEqual([200, 200, 429]);
    expect(c.json.errors?.[0]?.message).toMatch(/tenant/);
  });

  it('fails open with a bounded local limiter when Redis is unreachable', async () => {
    const deadRedis = new RedisCache('redis://127.0.0.1:1');
    deadRedis.client.on('error', () => {});
    const url = await gatewayWith({ cache: deadRedis, rateLimit: { perUser: 2, perTenant: 100, clock }, limitStore: { timeoutMs: 100 } }, async () => {
      deadRedis.client.disconnect();
    });
    // the JWKS lives in the cache too; with Redis down, tokens are verified against the platform directly
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(url, JSON.stringify({ query: '{ me { id } }' }), { authorization: `Bearer ${tenant.rep.token}` })).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe('endpoint hygiene', () => {
  it('allows introspection to authenticated callers only in production', async () => {
    const url = await gatewayWith({ introspection: 'authenticated' });
    const anonymous = await post(url, JSON.stringify({ query: '{ __schema { queryType { name } } }' }));
    expect(anonymous.status).toBe(401);
    expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
    const hidden = await post(url, JSON.stringify({ query: '{ ... on Query { __type(name: "Deal") { name } } }' }));
    expect(hidden.status).toBe(401);
    const partner = await post(url, JSON.stringify({ query: '{ __schema { queryType { name } } }' }), { authorization: `Bearer ${tenant.admin.token}` });
    expect(partner.json.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const typename = await post(url, JSON.stringify({ query: '{ __typename }' }));
    expect(typename.json.data).toEqual({ __typename: 'Query' });
  });

  it('can turn introspection off entirely', async () => {
    const url = await gatewayWith({ introspection: false });
    const result = await post(url, JSON.stringify({ query: '{ __schema { queryType { name } } }' }), { authorization: `Bearer ${tenant.admin.token}` });
    expect(result.status).toBe(400);
    expect(codeOf(result)).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('gives no field suggestions', async () => {
    const result = await post(stack.gatewayUrl, JSON.stringify({ query: '{ me { emial } }' }), { authorization: `Bearer ${tenant.admin.token}` });
    expect(result.status).toBe(400);
    expect(result.json.errors?.[0]?.message).toBe('Cannot query field "emial" on type "User".');
  });

  it('refuses simple cross-site requests (CSRF prevention)', async () => {
    const response = await fetch(`${stack.gatewayUrl}?query=${encodeURIComponent('{ me { id } }')}`, { headers: { authorization: `Bearer ${tenant.admin.token}` } });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/);
    const preflighted = await fetch(`${stack.gatewayUrl}?query=${encodeURIComponent('{ me { id } }')}`, {
      headers: { authorization: `Bearer ${tenant.admin.token}`, 'apollo-require-preflight': 'true' },
    });
    expect(preflighted.status).toBe(200);
  });

  it('answers CORS only for allowed origins', async () => {
    const url = await gatewayWith({ corsOrigins: ['https://partner.example'] });
    const allowed = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://partner.example', 'access-control-request-method': 'POST' } });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://partner.example');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    const denied = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
    const call = await post(url, JSON.stringify({ query: '{ __typename }' }), { origin: 'https://partner.example' });
    expect(call.headers.get('access-control-allow-origin')).toBe('https://partner.example');
    expect(call.headers.get('access-control-expose-headers')).toMatch(/ratelimit-remaining/);
    // default: same origin only
    const byDefault = await post(stack.gatewayUrl, JSON.stringify({ query: '{ __typename }' }), { origin: 'https://partner.example' });
    expect(byDefault.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('echoes request ids and masks internal errors', async () => {
    const result = await post(stack.gatewayUrl, JSON.stringify({ query: '{ me { id } }' }), { authorization: `Bearer ${tenant.admin.token}`, 'x-request-id': 'partner-req-1' });
    expect(result.headers.get('x-request-id')).toBe('partner-req-1');
    // an internal failure inside a subgraph: an unparsable id reaches the database
    const broken = await post(stack.gatewayUrl, JSON.stringify({ query: '{ deals(pipelineId: "not-a-uuid", first: 1) { id } }' }), { authorization: `Bearer ${tenant.admin.token}` });
    expect(broken.status).toBeLessThan(500);
    expect(broken.text).not.toMatch(/stack|prisma|SELECT|at \w+ \(|\.ts:\d+/i);
  });
});

describe('metrics', () => {
  it('serves Prometheus metrics with requests, subgraph fetches and rejections', async () => {
    await gql(stack.gatewayUrl, '{ me { id } }', {}, { token: tenant.admin.token });
    const expensive = await gql(stack.gatewayUrl, '{ accounts(first: 100) { deals(first: 100) { account { contacts { id } } } } }', {}, { token: tenant.admin.token });
    expect(expensive.status).toBe(400);
    const text = await new Promise<string>((resolve, reject) => {
      const req = request(stack.gatewayUrl.replace('/graphql', '/metrics'), (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
    expect(text).toMatch(/gateway_requests_total\{operation_type="query",outcome="ok"\} \d+/);
    expect(text).toMatch(/gateway_request_duration_seconds_bucket\{le="0\.1",operation_type="query",outcome="ok"\} \d+/);
    expect(text).toMatch(/gateway_subgraph_fetch_duration_seconds_count\{subgraph="platform",outcome="ok"\} \d+/);
    expect(text).toMatch(/gateway_rejections_total\{reason="cost_too_expensive"\} \d+/);
    expect(text).toMatch(/gateway_websocket_connections \d+/);
    expect(text).toMatch(/gateway_subscriptions \d+/);
  });
});
