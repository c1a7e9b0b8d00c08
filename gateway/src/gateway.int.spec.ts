import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { SignJWT } from 'jose';
import { createEvent } from '@crm/events';
import { signIdentity } from '@crm/runtime';
import { createEdKey, post, SIGNING_SECRET, startHarness, type Harness } from './testing/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const WHOAMI = { query: '{ whoami { tenantId userId roles requestId } }' };

function seedBoard(tenantId: string, pipelineId = randomUUID()) {
  const data = h.tenant(tenantId);
  const accountId = randomUUID();
  const dealId = randomUUID();
  data.pipelines.set(pipelineId, { id: pipelineId, name: 'New business' });
  data.accounts.set(accountId, { id: accountId, name: `Acme of ${tenantId.slice(0, 8)}` });
  data.deals.set(dealId, { id: dealId, name: `Deal of ${tenantId.slice(0, 8)}`, stageId: 'lead', accountId });
  return { pipelineId, dealId, accountId };
}

describe('authentication', () => {
  it('passes the verified identity to the subgraph and echoes the request id', async () => {
    const tenantId = randomUUID();
    const userId = randomUUID();
    const token = await h.token({ tenantId, userId, roles: ['SALES_MANAGER'] });
    const res = await post(h.url, WHOAMI, { authorization: `Bearer ${token}`, 'x-request-id': 'req-abc-123' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-abc-123');
    expect(res.json.data?.['whoami']).toEqual({ tenantId, userId, roles: ['SALES_MANAGER'], requestId: 'req-abc-123' });
  });

  it('treats a request without a token as anonymous and replaces an unsafe request id', async () => {
    const res = await post(h.url, WHOAMI, { 'x-request-id': 'not ok; drop table' });
    expect(res.status).toBe(200);
    const whoami = res.json.data?.['whoami'] as { tenantId: unknown; requestId: string };
    expect(whoami.tenantId).toBeNull();
    expect(whoami.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-request-id')).toBe(whoami.requestId);
  });

  it.each([
    ['a forged signature', async () => {
      const other = await createEdKey(h.signingKey.kid);
      return new SignJWT({ tid: randomUUID(), roles: [] }).setProtectedHeader({ alg: 'EdDSA', kid: other.kid }).setIssuer('crm-platform').setAudience('crm-api').setSubject('u').setExpirationTime('5m').sign(other.privateKey);
    }],
    ['alg none', async () => {
      const enc = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ iss: 'crm-platform', aud: 'crm-api', sub: 'u', tid: randomUUID(), exp: Math.floor(Date.now() / 1000) + 300 })}.`;
    }],
    ['an HMAC token', async () =>
      new SignJWT({ tid: randomUUID() }).setProtectedHeader({ alg: 'HS256', kid: h.signingKey.kid }).setIssuer('crm-platform').setAudience('crm-api').setSubject('u').setExpirationTime('5m').sign(new TextEncoder().encode(SIGNING_SECRET))],
    ['an expired token', async () => h.token({ tenantId: randomUUID() }, { expiresIn: Math.floor(Date.now() / 1000) - 60 })],
    ['a token for another audience', async () => h.token({ tenantId: randomUUID() }, { audience: 'someone-else' })],
    ['a tampered payload', async () => {
      const [header, , signature] = (await h.token({ tenantId: randomUUID() })).split('.');
      const payload = Buffer.from(JSON.stringify({ iss: 'crm-platform', aud: 'crm-api', sub: 'admin', tid: randomUUID(), exp: 9_999_999_999 })).toString('base64url');
      return `${header}.${payload}.${signature}`;
    }],
    ['garbage', async () => 'not-a-jwt'],
  ])('answers 401 UNAUTHENTICATED for %s', async (_name, makeToken) => {
    const res = await post(h.url, WHOAMI, { authorization: `Bearer ${await makeToken()}` });
    expect(res.status).toBe(401);
    expect(res.json.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(res.json.data).toBeUndefined();
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('accepts tokens of a rotated key after refetching the JWKS', async () => {
    const rotated = await createEdKey();
    h.setJwks([h.signingKey.publicJwk, rotated.publicJwk]);
    const tenantId = randomUUID();
    const token = await new SignJWT({ tid: tenantId, roles: [] }).setProtectedHeader({ alg: 'EdDSA', kid: rotated.kid }).setIssuer('crm-platform').setAudience('crm-api').setSubject('u1').setExpirationTime('5m').sign(rotated.privateKey);
    const res = await post(h.url, WHOAMI, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    expect((res.json.data?.['whoami'] as { tenantId: string }).tenantId).toBe(tenantId);
    expect(await h.cache.get('g:jwks')).toContain(rotated.kid);
  });
});

describe('identity forwarding', () => {
  it('never forwards client identity headers', async () => {
    const tenantId = randomUUID();
    const token = await h.token({ tenantId });
    const forged = signIdentity({ tenantId: randomUUID(), userId: 'intruder', roles: ['SYSTEM_ADMIN'], requestId: 'x' }, SIGNING_SECRET);
    const res = await post(h.url, WHOAMI, { authorization: `Bearer ${token}`, 'x-crm-identity': forged, 'x-crm-tenant': 'other', cookie: 'session=1' });
    expect((res.json.data?.['whoami'] as { tenantId: string }).tenantId).toBe(tenantId);
    const seen = h.lastHeaders.sales!;
    expect(seen['x-crm-identity']).not.toBe(forged);
    expect(seen['x-crm-tenant']).toBeUndefined();
    expect(seen['authorization']).toBeUndefined();
    expect(seen['cookie']).toBeUndefined();
  });
});

describe('request errors', () => {
  it('answers malformed JSON with 400', async () => {
    const res = await post(h.url, '{"query": ');
    expect(res.status).toBe(400);
    expect(res.json.errors?.[0]?.extensions?.['code']).toBe('BAD_REQUEST');
  });

  it('answers a syntax error with 400 GRAPHQL_PARSE_FAILED', async () => {
    const res = await post(h.url, { query: '{ whoami { ' });
    expect(res.status).toBe(400);
    expect(res.json.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('answers an invalid field with 400 and no suggestion', async () => {
    const res = await post(h.url, { query: '{ whoami { tenantid } }' });
    expect(res.status).toBe(400);
    expect(res.json.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.json.errors?.[0]?.message).toBe('Cannot query field "tenantid" on type "Caller".');
  });

  it('refuses subscriptions over HTTP with 400', async () => {
    const res = await post(h.url, { query: 'subscription { pipelineBoard(pipelineId: "p") { type } }' });
    expect(res.status).toBe(400);
    expect(res.json.errors?.[0]?.extensions?.['code']).toBe('BAD_REQUEST');
  });
});

describe('a subgraph outage', () => {
  it('returns partial data naming the missing subgraph, then recovers', async () => {
    const tenantId = randomUUID();
    const { accountId } = seedBoard(tenantId);
    const headers = { authorization: `Bearer ${await h.token({ tenantId })}` };
    const query = { query: '{ deals { name account { id name } } }' };

    const before = await post(h.url, query, headers);
    expect((before.json.data?.['deals'] as Array<{ account: { id: string } }>)[0]?.account.id).toBe(accountId);

    await h.customer.close();
    try {
      const during = await post(h.url, query, headers);
      expect(during.status).toBe(200);
      expect(during.json.data?.['deals']).toEqual([{ name: `Deal of ${tenantId.slice(0, 8)}`, account: null }]);
      expect(during.json.errors?.[0]).toMatchObject({
        message: 'Subgraph customer is unavailable',
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'customer' },
      });
    } finally {
      await h.customer.listen(h.customerPort);
    }

    const after = await post(h.url, query, headers);
    expect(after.json.errors).toBeUndefined();
    expect((after.json.data?.['deals'] as Array<{ account: { name: string } }>)[0]?.account.name).toBe(`Acme of ${tenantId.slice(0, 8)}`);
  });
});

/** Opens a raw socket and reports how the server closes it. */
function closeCodeOf(url: string, init: object | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    socket.once('open', () => socket.send(JSON.stringify(init ? { type: 'connection_init', payload: init } : { type: 'connection_init' })));
    socket.once('close', (code) => resolve(code));
    socket.once('error', reject);
  });
}

interface Inbox {
  messages: FormattedExecutionResult<Record<string, unknown>, unknown>[];
  errors: unknown[];
  waitFor(count: number): Promise<void>;
}

function subscribeTo(client: Client, query: string, variables: Record<string, unknown>): Inbox {
  const messages: FormattedExecutionResult<Record<string, unknown>, unknown>[] = [];
  const errors: unknown[] = [];
  const waiters: Array<() => void> = [];
  const notify = () => waiters.splice(0).forEach((wake) => wake());
  client.subscribe(
    { query, variables },
    {
      next: (message) => {
        messages.push(message);
        notify();
      },
      error: (error) => {
        errors.push(error);
        notify();
      },
      complete: () => {},
    },
  );
  return {
    messages,
    errors,
    async waitFor(count) {
      while (messages.length < count && errors.length === 0) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

describe('pipeline board subscriptions', () => {
  const clients: Client[] = [];
  afterAll(async () => {
    await Promise.all(clients.map(async (client) => client.dispose()));
  });
  const connect = (token: string) => {
    const client = createClient({ url: h.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: false });
    clients.push(client);
    return client;
  };

  const BOARD = /* GraphQL */ `
    subscription Board($pipelineId: ID!) {
      board: pipelineBoard(pipelineId: $pipelineId) {
        kind: type
        sequence
        dealId
        toStageId
        ...DealCard
      }
    }
    fragment DealCard on PipelineBoardEvent {
      deal { title: name account { name } }
    }
  `;

  it('closes a connection without a token with 4401', async () => {
    expect(await closeCodeOf(h.wsUrl, null)).toBe(4401);
  });

  it('closes a connection with an invalid token with 4401', async () => {
    expect(await closeCodeOf(h.wsUrl, { authorization: 'Bearer nope' })).toBe(4401);
  });

  it('delivers a tenant its own board events, resolved across subgraphs, and nothing of other tenants', async () => {
    const tenantA = randomUUID();
    const tenantB = randomUUID();
    const pipelineId = randomUUID();
    const a = seedBoard(tenantA, pipelineId);
    const b = seedBoard(tenantB, pipelineId);
    const inboxA = subscribeTo(connect(await h.token({ tenantId: tenantA })), BOARD, { pipelineId });
    const inboxB = subscribeTo(connect(await h.token({ tenantId: tenantB })), BOARD, { pipelineId });
    await waitForSubscribers(2);

    const moved = (tenantId: string, dealId: string, sequence: string) =>
      createEvent({
        type: 'sales.deal.stage_changed',
        tenantId,
        aggregateId: dealId,
        actor: { userId: null, kind: 'system' },
        payload: { dealId, pipelineId, fromStageId: 'lead', toStageId: 'won', amountMinor: '100', currency: 'EUR', sequence },
      });
    await h.bus.publish('crm.sales.events', [moved(tenantA, a.dealId, '1')]);
    await inboxA.waitFor(1);
    await h.bus.publish('crm.sales.events', [moved(tenantB, b.dealId, '7')]);
    await inboxB.waitFor(1);
    await h.bus.publish('crm.sales.events', [moved(tenantA, a.dealId, '2')]);
    await inboxA.waitFor(2);

    expect(inboxA.errors).toEqual([]);
    expect(inboxA.messages).toEqual([
      { data: { board: { kind: 'DEAL_MOVED', sequence: '1', dealId: a.dealId, toStageId: 'won', deal: { title: `Deal of ${tenantA.slice(0, 8)}`, account: { name: `Acme of ${tenantA.slice(0, 8)}` } } } } },
      { data: { board: { kind: 'DEAL_MOVED', sequence: '2', dealId: a.dealId, toStageId: 'won', deal: { title: `Deal of ${tenantA.slice(0, 8)}`, account: { name: `Acme of ${tenantA.slice(0, 8)}` } } } } },
    ]);
    expect(inboxB.messages).toEqual([
      { data: { board: { kind: 'DEAL_MOVED', sequence: '7', dealId: b.dealId, toStageId: 'won', deal: { title: `Deal of ${tenantB.slice(0, 8)}`, account: { name: `Acme of ${tenantB.slice(0, 8)}` } } } } },
    ]);
  });

  it('closes the connection with 4401 when the token expires', async () => {
    const token = await h.token({ tenantId: randomUUID() }, { expiresIn: Math.floor(Date.now() / 1000) + 1 });
    const closed = new Promise<number>((resolve) => {
      const client = createClient({ url: h.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: false, onNonLazyError: () => {}, on: { closed: (event) => resolve((event as { code: number }).code) } });
      clients.push(client);
    });
    expect(await closed).toBe(4401);
  });

  it('forgets a subscriber when it completes', async () => {
    const tenantId = randomUUID();
    const { pipelineId } = seedBoard(tenantId);
    const client = connect(await h.token({ tenantId }));
    const before = h.gateway.stats().subscribers;
    const unsubscribe = client.subscribe({ query: BOARD, variables: { pipelineId } }, { next: () => {}, error: () => {}, complete: () => {} });
    await waitForSubscribers(before + 1);
    unsubscribe();
    while (h.gateway.stats().subscribers > before) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(h.gateway.stats().subscribers).toBe(before);
  });

  it('runs queries sent over the socket as the connected user', async () => {
    const tenantId = randomUUID();
    const client = connect(await h.token({ tenantId }));
    const result = await new Promise((resolve, reject) => client.subscribe({ query: '{ whoami { tenantId } }' }, { next: resolve, error: reject, complete: () => {} }));
    expect(result).toEqual({ data: { whoami: { tenantId } } });
  });

  it('refuses a board the subscriber cannot see with NOT_FOUND', async () => {
    const owner = randomUUID();
    const { pipelineId } = seedBoard(owner);
    const inbox = subscribeTo(connect(await h.token({ tenantId: randomUUID() })), BOARD, { pipelineId });
    await inbox.waitFor(1);
    expect(inbox.errors).toHaveLength(1);
    expect((inbox.errors[0] as Array<{ extensions?: { code?: string } }>)[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('reports an invalid subscription document as an error', async () => {
    const inbox = subscribeTo(connect(await h.token({ tenantId: randomUUID() })), 'subscription { pipelineBoard(pipelineId: "x") { nope } }', {});
    await inbox.waitFor(1);
    expect((inbox.errors[0] as Array<{ message: string }>)[0]?.message).toBe('Cannot query field "nope" on type "PipelineBoardEvent".');
  });
});

/** Waits until the gateway has registered at least `count` board subscribers. */
async function waitForSubscribers(count: number): Promise<void> {
  while (h.gateway.stats().subscribers < count) await new Promise((resolve) => setTimeout(resolve, 10));
}
