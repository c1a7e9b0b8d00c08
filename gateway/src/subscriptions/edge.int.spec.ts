/**
 * The graphql-ws handshake rules at the edge: Origin allowlist (4403), `connection_init` timeout
 * (4408), per-tenant connection limit (4429), token expiry (4401) and refresh, heartbeats.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHarness, type Harness } from '../testing/harness.ts';

const ALLOWED = 'https://app.crm.example';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    subscriptions: {
      allowedOrigins: [ALLOWED],
      maxConnectionsPerTenant: 2,
      connectionInitWaitTimeoutMs: 300,
      keepAliveMs: 200,
    },
  });
});
afterAll(async () => {
  await h?.close();
});

interface Raw {
  socket: WebSocket;
  messages: Array<{ type: string; id?: string; payload?: unknown }>;
  closed: Promise<number>;
  send(message: Record<string, unknown>): void;
  /** Resolves with the first message of `type` (including ones already received). */
  next(type: string): Promise<{ type: string; payload?: unknown }>;
}

/** A bare graphql-transport-ws socket, so tests control every frame. */
function raw(options: { origin?: string; autoPong?: boolean } = {}): Raw {
  const socket = new WebSocket(h.wsUrl, 'graphql-transport-ws', { ...(options.origin ? { origin: options.origin } : {}), autoPong: options.autoPong ?? true });
  const messages: Raw['messages'] = [];
  const waiters: Array<{ type: string; resolve: (m: Raw['messages'][number]) => void }> = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as Raw['messages'][number];
    messages.push(message);
    for (const waiter of waiters.filter((w) => w.type === message.type)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    }
  });
  const opened = new Promise<void>((resolve) => socket.once('open', () => resolve()));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  return {
    socket,
    messages,
    closed,
    send: (message) => void opened.then(() => socket.send(JSON.stringify(message))),
    next: (type) => {
      const seen = messages.find((m) => m.type === type);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ type, resolve }));
    },
  };
}

async function connected(token: string, origin?: string): Promise<Raw> {
  const client = raw({ origin });
  client.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
  const first = await Promise.race([client.next('connection_ack'), client.closed.then((code) => ({ type: `closed ${code}` }))]);
  expect(first.type).toBe('connection_ack');
  return client;
}

describe('graphql-ws edge', () => {
  it('closes a browser handshake from an origin not allowed with 4403, and lets allowed or absent origins authenticate', async () => {
    const token = await h.token({ tenantId: randomUUID() });
    const stranger = raw({ origin: 'https://evil.example' });
    stranger.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
    expect(await stranger.closed).toBe(4403);
    expect(stranger.messages).toEqual([]);

    const browser = await connected(token, ALLOWED);
    const mobile = await connected(token);
    browser.socket.close(1000);
    mobile.socket.close(1000);
    await Promise.all([browser.closed, mobile.closed]);
  });

  it('closes a connection that does not send connection_init in time with 4408', async () => {
    const silent = raw();
    expect(await silent.closed).toBe(4408);
  });

  it('closes a tenant’s connection beyond its limit with 4429, without affecting other tenants', async () => {
    const tenantId = randomUUID();
    const token = await h.token({ tenantId });
    const first = await connected(token);
    const second = await connected(token);
    const third = raw();
    third.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
    expect(await third.closed).toBe(4429);

    const other = await connected(await h.token({ tenantId: randomUUID() }));
    // a slot frees up when a connection closes
    first.socket.close(1000);
    await first.closed;
    await expect.poll(() => h.gateway.stats().connections).toBeLessThanOrEqual(2);
    const again = await connected(token);
    for (const c of [second, other, again]) c.socket.close(1000);
    await Promise.all([second.closed, other.closed, again.closed]);
  });

  it('closes the connection with 4401 when its token expires', async () => {
    const client = await connected(await h.token({ tenantId: randomUUID() }, { expiresIn: '2s' }));
    expect(await client.closed).toBe(4401);
  });

  it('keeps a connection whose token was refreshed by a ping past the old expiry', async () => {
    const tenantId = randomUUID();
    const userId = randomUUID();
    const client = await connected(await h.token({ tenantId, userId }, { expiresIn: '2s' }));
    client.send({ type: 'ping', payload: { authorization: `Bearer ${await h.token({ tenantId, userId }, { expiresIn: '5m' })}` } });
    await client.next('pong');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    client.socket.close(1000);
    expect(await client.closed).toBe(1000);
  });

  it('closes with 4403 when a refreshed token is for another user, and 4401 when it is invalid', async () => {
    const tenantId = randomUUID();
    const client = await connected(await h.token({ tenantId }));
    client.send({ type: 'ping', payload: { token: await h.token({ tenantId }) } });
    expect(await client.closed).toBe(4403);

    const forged = await connected(await h.token({ tenantId }));
    forged.send({ type: 'ping', payload: { token: 'eyJhbGciOiJub25lIn0.e30.' } });
    expect(await forged.closed).toBe(4401);
  });

  it('drops a socket that stops answering heartbeats', async () => {
    const token = await h.token({ tenantId: randomUUID() });
    const client = raw({ autoPong: false });
    client.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
    await client.next('connection_ack');
    // the server terminates the TCP connection: no close frame, so the client sees 1006
    expect(await client.closed).toBe(1006);
  });
});
