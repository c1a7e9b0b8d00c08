/** Small GraphQL clients for tests and benchmarks: HTTP and graphql-ws. */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface GraphQLErrorShape {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string; [key: string]: unknown };
}
export interface GqlResponse<T> {
  status: number;
  headers: Headers;
  data: T | null | undefined;
  errors: GraphQLErrorShape[] | undefined;
}

export interface GqlOptions {
  token?: string;
  headers?: Record<string, string>;
}

export async function gql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: GqlOptions = {},
): Promise<GqlResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: { data?: T | null; errors?: GraphQLErrorShape[] } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`non-JSON response ${response.status}: ${text.slice(0, 200)}`);
  }
  return { status: response.status, headers: response.headers, data: body.data, errors: body.errors };
}

/** Like `gql` but throws on any GraphQL error; returns data. */
export async function gqlOk<T = Record<string, unknown>>(url: string, query: string, variables: Record<string, unknown> = {}, options: GqlOptions = {}): Promise<T> {
  const result = await gql<T>(url, query, variables, options);
  if (result.errors?.length || !result.data) {
    throw new Error(`GraphQL error (${result.status}): ${JSON.stringify(result.errors)}`);
  }
  return result.data;
}

export interface LiveSubscription<T> {
  /** Every payload received so far. */
  received: Array<{ data?: T | null; errors?: unknown }>;
  /** Resolves with the next payload matching `predicate` (including ones already received). */
  next(predicate?: (payload: { data?: T | null }) => boolean, timeoutMs?: number): Promise<{ data?: T | null; errors?: unknown }>;
  /** Resolves when the server acknowledged the subscription start (first `next` may still be pending). */
  closeCode: Promise<number | undefined>;
  close(): Promise<void>;
}

export function wsClient(wsUrl: string, token?: string | Record<string, unknown>): Client {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: typeof token === 'object' ? token : token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
    // close codes are observed through `closeCode`; don't print them
    onNonLazyError: () => {},
  });
}

/** `token`: an access token or API key sent as `Authorization: Bearer`, or the whole `connection_init` payload. */
export function subscribe<T = Record<string, unknown>>(
  wsUrl: string,
  token: string | Record<string, unknown> | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): LiveSubscription<T> {
  const client = wsClient(wsUrl, token);
  const received: LiveSubscription<T>['received'] = [];
  const waiters: Array<{ predicate: (p: { data?: T | null }) => boolean; resolve: (p: (typeof received)[number]) => void }> = [];
  let resolveClose: (code: number | undefined) => void = () => {};
  const closeCode = new Promise<number | undefined>((resolve) => (resolveClose = resolve));
  client.on('closed', (event) => resolveClose((event as { code?: number } | undefined)?.code));
  client.subscribe<T>(
    { query, variables },
    {
      next: (payload) => {
        received.push(payload);
        for (const waiter of [...waiters]) {
          if (waiter.predicate(payload)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(payload);
          }
        }
      },
      error: (error) => {
        received.push({ errors: error });
        for (const waiter of waiters.splice(0)) waiter.resolve({ errors: error });
      },
      complete: () => {},
    },
  );
  return {
    received,
    closeCode,
    next(predicate = () => true, timeoutMs = 15_000) {
      const seen = received.find((p) => predicate(p as { data?: T | null }));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching subscription event within ${timeoutMs} ms; got ${JSON.stringify(received)}`)), timeoutMs);
        waiters.push({ predicate, resolve: (p) => (clearTimeout(timer), resolve(p)) });
      });
    },
    async close() {
      await client.dispose();
    },
  };
}

/** Waits until `check` returns a truthy value (polling), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until the gateway has registered at least `count` board subscribers (their first event can then not be missed). */
export async function subscribersReady(gateway: { stats(): { subscribers: number } }, count: number, timeoutMs = 15_000): Promise<void> {
  await eventually(async () => gateway.stats().subscribers >= count, timeoutMs, 20);
}
