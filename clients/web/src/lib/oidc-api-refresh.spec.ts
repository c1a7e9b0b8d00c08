/** The API client with OpenID Connect sessions: a rejected token is refreshed once and the request retried. */
import { parse, type DocumentNode } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { createApiClient } from '../apollo.ts';

const me: DocumentNode = Object.assign(parse('query Me { me { id } }'), { __meta__: { hash: 'sha256:me' } });

const unauthenticated = { status: 401, body: { errors: [{ message: 'Sign in again', extensions: { code: 'UNAUTHENTICATED' } }] } };
const answer = { body: { data: { me: { __typename: 'User', id: 'u1' } } } };

function fakeApi(responses: Array<{ status?: number; body: unknown }>) {
  const authorizations: Array<string | null> = [];
  const fetch = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
    authorizations.push(new Headers(init?.headers).get('authorization'));
    const next = responses.shift();
    if (!next) throw new Error('unexpected request');
    return new Response(JSON.stringify(next.body), { status: next.status ?? 200, headers: { 'content-type': 'application/json' } });
  });
  return { authorizations, fetch: fetch as unknown as typeof globalThis.fetch };
}

class UnusedWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
}

function setup(responses: Array<{ status?: number; body: unknown }>, refreshes: boolean[]) {
  const api = fakeApi(responses);
  let token = 'token-1';
  const refresh = vi.fn(async () => {
    const renewed = refreshes.shift() ?? false;
    if (renewed) token = `token-${Number(token.split('-')[1]) + 1}`;
    return renewed;
  });
  const onUnauthenticated = vi.fn();
  const { client, dispose } = createApiClient({
    httpUrl: 'http://crm.test/graphql',
    wsUrl: 'ws://crm.test/graphql',
    authorization: () => `Bearer ${token}`,
    refresh,
    onUnauthenticated,
    fetch: api.fetch,
    webSocketImpl: UnusedWebSocket,
  });
  return { api, client, dispose, refresh, onUnauthenticated };
}

describe('createApiClient with a refreshable session', () => {
  it('refreshes once after a 401 and retries with the new token', async () => {
    const { api, client, dispose, refresh, onUnauthenticated } = setup([unauthenticated, answer], [true]);
    const result = await client.query({ query: me });
    expect(result.data).toEqual({ me: { __typename: 'User', id: 'u1' } });
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(api.authorizations).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(onUnauthenticated).not.toHaveBeenCalled();
    dispose();
  });

  it('ends the session when the refresh fails', async () => {
    const { api, client, dispose, refresh, onUnauthenticated } = setup([unauthenticated], [false]);
    await expect(client.query({ query: me })).rejects.toThrow();
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(api.authorizations).toEqual(['Bearer token-1']);
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
    dispose();
  });

  it('does not refresh twice for one request: a token refused after the refresh ends the session', async () => {
    const { api, client, dispose, refresh, onUnauthenticated } = setup([unauthenticated, unauthenticated], [true, true]);
    await expect(client.query({ query: me })).rejects.toThrow();
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(api.authorizations).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
    dispose();
  });

  it('reads the current token for every request', async () => {
    const { api, client, dispose } = setup([answer, answer], []);
    await client.query({ query: me });
    await client.query({ query: me, fetchPolicy: 'network-only' });
    expect(api.authorizations).toEqual(['Bearer token-1', 'Bearer token-1']);
    dispose();
  });
});
