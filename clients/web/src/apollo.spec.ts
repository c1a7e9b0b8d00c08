import { parse, type DocumentNode } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { createApiClient } from './apollo.ts';

/** A document shaped like the generated persisted documents (codegen client preset). */
function persisted(source: string, hash: string): DocumentNode {
  return Object.assign(parse(source), { __meta__: { hash } });
}

const pipelines = persisted('query Pipelines { pipelines { id name } }', 'sha256:pipelines');
const deals = persisted('query BoardDeals($pipelineId: ID!) { deals(pipelineId: $pipelineId) { id name } }', 'sha256:deals');

interface SentRequest {
  headers: Headers;
  body: { query?: string; operationName?: string; extensions?: { persistedQuery?: { sha256Hash: string } } };
}

/** A fake API: answers each request with the next of `responses`, recording what was sent. */
function fakeApi(responses: Array<{ status?: number; body: unknown }>) {
  const sent: SentRequest[] = [];
  const fetch = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
    sent.push({ headers: new Headers(init?.headers), body: JSON.parse(String(init?.body)) as SentRequest['body'] });
    const next = responses.shift();
    if (!next) throw new Error('unexpected request');
    return new Response(JSON.stringify(next.body), { status: next.status ?? 200, headers: { 'content-type': 'application/json' } });
  });
  return { sent, fetch: fetch as unknown as typeof globalThis.fetch };
}

/** Never opened: the client connects lazily, on the first subscription. */
class UnusedWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
}

/** A gateway that accepts the socket, then closes it with 4403 once the client says hello. */
class RefusingWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static opened = 0;
  readonly protocol = 'graphql-transport-ws';
  readyState = RefusingWebSocket.CONNECTING;
  onopen: (() => void) | null = null;
  onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;

  constructor() {
    RefusingWebSocket.opened += 1;
    setTimeout(() => {
      this.readyState = RefusingWebSocket.OPEN;
      this.onopen?.();
    });
  }

  send(data: string): void {
    if ((JSON.parse(data) as { type: string }).type === 'connection_init') setTimeout(() => this.close(4403, 'User deactivated'));
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState === RefusingWebSocket.CLOSED) return;
    this.readyState = RefusingWebSocket.CLOSED;
    this.onclose?.({ code, reason, wasClean: true });
  }
}

function clientFor(api: ReturnType<typeof fakeApi>, onUnauthenticated = vi.fn()) {
  return createApiClient({
    httpUrl: 'http://crm.test/graphql',
    wsUrl: 'ws://crm.test/graphql',
    authorization: 'Bearer token-1',
    onUnauthenticated,
    fetch: api.fetch,
    webSocketImpl: UnusedWebSocket,
  });
}

const notFound = { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] };

describe('createApiClient', () => {
  it('sends only the persisted hash, with the session token, to a server that knows it', async () => {
    const api = fakeApi([{ body: { data: { pipelines: [{ __typename: 'Pipeline', id: 'p1', name: 'Sales' }] } } }]);
    const { client, dispose } = clientFor(api);

    const result = await client.query({ query: pipelines });

    expect(result.data).toEqual({ pipelines: [{ __typename: 'Pipeline', id: 'p1', name: 'Sales' }] });
    expect(api.sent).toHaveLength(1);
    expect(api.sent[0]?.body.query).toBeUndefined();
    expect(api.sent[0]?.body.extensions?.persistedQuery?.sha256Hash).toBe('sha256:pipelines');
    expect(api.sent[0]?.headers.get('authorization')).toBe('Bearer token-1');
    // the gateway recognises the web app by this name and holds it to the app's safelist
    expect(api.sent[0]?.headers.get('apollographql-client-name')).toBe('crm-web');
    dispose();
  });

  it('falls back to full documents, without a hash, once the server does not know the hash', async () => {
    const api = fakeApi([
      { body: notFound },
      { body: { data: { pipelines: [] } } },
      { body: { data: { deals: [] } } },
    ]);
    const { client, dispose } = clientFor(api);

    await client.query({ query: pipelines });
    await client.query({ query: deals, variables: { pipelineId: 'p1' } });

    expect(api.sent.map((r) => [r.body.operationName, Boolean(r.body.query), r.body.extensions?.persistedQuery?.sha256Hash])).toEqual([
      ['Pipelines', false, 'sha256:pipelines'],
      ['Pipelines', true, undefined],
      ['BoardDeals', true, undefined],
    ]);
    dispose();
  });

  it('does not reconnect a socket the gateway closed with 4403: the live operation fails with it', async () => {
    const { client, dispose } = createApiClient({
      httpUrl: 'http://crm.test/graphql',
      wsUrl: 'ws://crm.test/graphql',
      authorization: 'Bearer token-1',
      onUnauthenticated: vi.fn(),
      fetch: fakeApi([]).fetch,
      webSocketImpl: RefusingWebSocket,
    });
    RefusingWebSocket.opened = 0;
    const board = persisted('subscription Board($pipelineId: ID!) { pipelineBoard(pipelineId: $pipelineId) { dealId } }', 'sha256:board');
    const failure = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: board, variables: { pipelineId: 'p1' } }).subscribe({ next: (result) => resolve(result.error), error: resolve });
    });
    expect(String(failure)).toMatch(/4403.*User deactivated/);
    // well past the first retry's wait (at least 500 ms): no second socket was opened
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(RefusingWebSocket.opened).toBe(1);
    dispose();
  });

  it('reports a rejected token so the session can end', async () => {
    const api = fakeApi([{ status: 401, body: { errors: [{ message: 'Token expired', extensions: { code: 'UNAUTHENTICATED' } }] } }]);
    const onUnauthenticated = vi.fn();
    const { client, dispose } = clientFor(api, onUnauthenticated);

    await expect(client.query({ query: pipelines })).rejects.toThrow();
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
    dispose();
  });
});
