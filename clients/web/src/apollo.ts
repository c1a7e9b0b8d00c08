/**
 * The API client for one signed-in session (or for signing in). Queries and mutations go over
 * HTTP, subscriptions over one graphql-ws connection authenticated in its `connection_init`.
 * A new client is made per session, so nothing cached for one user is shown to the next.
 *
 * Operations are the app's generated persisted documents. Each request first sends only the
 * document's hash (`extensions.persistedQuery.sha256Hash`, the key in the generated
 * `persisted-documents.json`), so a server holding the app's safelist never receives query
 * text. A server that answers PERSISTED_QUERY_NOT_FOUND (or NOT_SUPPORTED) has no such list:
 * the request is resent with the full document, without a hash, and so is every later request
 * of this client.
 */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { isSubscriptionOperation } from '@apollo/client/utilities';
import type { DocumentNode } from 'graphql';
import { createClient as createWsClient } from 'graphql-ws';
import { isUnauthenticated } from './lib/api-error.ts';

/** WebSocket close code the gateway uses for a missing, invalid or expired token. */
export const CLOSE_UNAUTHORIZED = 4401;

export interface ApiClientOptions {
  /** GraphQL over HTTP endpoint (absolute URL). */
  httpUrl: string;
  /** GraphQL over WebSocket endpoint (absolute `ws:`/`wss:` URL). */
  wsUrl: string;
  /** `Authorization` header value of the session; null when signed out. */
  authorization: string | null;
  /** Called when the API rejects the session's token (HTTP 401, UNAUTHENTICATED, close 4401). */
  onUnauthenticated: () => void;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Default: the global `WebSocket`. */
  webSocketImpl?: unknown;
}

export interface ApiClient {
  client: ApolloClient;
  /** Closes the WebSocket and stops the client; call when the session ends. */
  dispose(): void;
}

/** Hash of a generated persisted document (`__meta__.hash`, added by the codegen client preset). */
export function persistedHashOf(document: DocumentNode): string {
  const meta = (document as DocumentNode & { __meta__?: { hash?: unknown } }).__meta__;
  if (typeof meta?.hash !== 'string') throw new Error('Operation is not a generated persisted document');
  return meta.hash;
}

function isCloseEvent(event: unknown): event is { code: number } {
  return typeof event === 'object' && event !== null && 'code' in event && typeof event.code === 'number';
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const { authorization, onUnauthenticated } = options;

  const ws = createWsClient({
    url: options.wsUrl,
    lazy: true,
    ...(options.webSocketImpl ? { webSocketImpl: options.webSocketImpl } : {}),
    connectionParams: () => (authorization ? { authorization } : {}),
    // Keep reconnecting while a board is open (the gateway may be redeploying), backing off up
    // to 15 s. Close codes the protocol calls fatal (4401 and friends) are never retried.
    retryAttempts: Number.POSITIVE_INFINITY,
    retryWait: (retries) =>
      new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, 15_000) + Math.random() * 500)),
    on: {
      // Events published while the socket was down are not replayed: reload what is on screen.
      connected: (_socket, _payload, wasRetry) => {
        if (wasRetry) void client.refetchQueries({ include: 'active' });
      },
      closed: (event) => {
        if (authorization && isCloseEvent(event) && event.code === CLOSE_UNAUTHORIZED) onUnauthenticated();
      },
    },
  });

  const withAuthorization = new ApolloLink((operation, forward) => {
    if (authorization) {
      operation.setContext(({ headers }: { headers?: Record<string, string> }) => ({ headers: { ...headers, authorization } }));
    }
    return forward(operation);
  });

  const signOutWhenRejected = new ErrorLink(({ error }) => {
    if (authorization && isUnauthenticated(error)) onUnauthenticated();
  });

  const persisted = new PersistedQueryLink({
    generateHash: persistedHashOf,
    disable: ({ meta }) => meta.persistedQueryNotSupported || meta.persistedQueryNotFound,
  });

  const http = ApolloLink.from([
    withAuthorization,
    persisted,
    new HttpLink({ uri: options.httpUrl, ...(options.fetch ? { fetch: options.fetch } : {}) }),
  ]);
  const link = ApolloLink.from([
    signOutWhenRejected,
    ApolloLink.split(({ query }) => isSubscriptionOperation(query), new GraphQLWsLink(ws), http),
  ]);

  const client = new ApolloClient({ link, cache: new InMemoryCache() });
  return {
    client,
    dispose() {
      client.stop();
      void ws.dispose();
    },
  };
}
