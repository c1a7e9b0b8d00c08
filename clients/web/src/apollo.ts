/**
 * The API client for one signed-in session (or for signing in). Queries and mutations go over
 * HTTP, subscriptions over one graphql-ws connection authenticated in its `connection_init`.
 * A new client is made per session, so nothing cached for one user is shown to the next; within a
 * session every request reads the current access token, so a refreshed token is used at once,
 * and the open WebSocket is handed the new token (`renewAuthorization`, a graphql-ws `ping`
 * carrying it) before the old one expires. When the API rejects the token anyway (HTTP 401,
 * UNAUTHENTICATED, close 4401), the client refreshes once and retries before giving up.
 *
 * Operations are the app's generated persisted documents. Each request first sends only the
 * document's hash (`extensions.persistedQuery.sha256Hash`, the key in the generated
 * `persisted-documents.json`), so a server holding the app's safelist never receives query
 * text. A server that answers PERSISTED_QUERY_NOT_FOUND (or NOT_SUPPORTED) has no such list:
 * the request is resent with the full document, without a hash, and so is every later request
 * of this client. Every request names the client (`apollographql-client-name: crm-web`): a
 * gateway that enforces the web app's safelist runs nothing else for it.
 */
import { from, mergeMap, tap, type Observable } from 'rxjs';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { isSubscriptionOperation } from '@apollo/client/utilities';
import type { DocumentNode } from 'graphql';
import { createClient as createWsClient } from 'graphql-ws';
import { isUnauthenticated } from './lib/api-error.ts';

/** How the app names itself to the API (the gateway holds this client to its safelist). */
export const WEB_CLIENT_NAME = 'crm-web';

/** WebSocket close code the gateway uses for a missing, invalid or expired token. */
export const CLOSE_UNAUTHORIZED = 4401;

/**
 * WebSocket close code the gateway uses when it will not serve the connection at all: the user was
 * deactivated, the browser's origin is not allowed. Reconnecting cannot help, so it is not retried.
 */
export const CLOSE_FORBIDDEN = 4403;

export interface ApiClientOptions {
  /** GraphQL over HTTP endpoint (absolute URL). */
  httpUrl: string;
  /** GraphQL over WebSocket endpoint (absolute `ws:`/`wss:` URL). */
  wsUrl: string;
  /** `Authorization` header value of the session (or a function reading the current one); null when signed out. */
  authorization: string | null | (() => string | null);
  /**
   * Gets a new access token after the API rejected the current one; true when there is one to
   * retry with. Tried once per rejected request or socket. Default: none.
   */
  refresh?: () => Promise<boolean>;
  /** Called when the API rejects the session's token (HTTP 401, UNAUTHENTICATED, close 4401) and no refresh helped. */
  onUnauthenticated: () => void;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Default: the global `WebSocket`. */
  webSocketImpl?: unknown;
}

export interface ApiClient {
  client: ApolloClient;
  /** Hands the current token to the open WebSocket (after a refresh), so it is not closed when the old one expires. */
  renewAuthorization(): void;
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

interface Sendable {
  send(data: string): void;
  readyState: number;
}

function isSendable(socket: unknown): socket is Sendable {
  return typeof socket === 'object' && socket !== null && 'send' in socket && typeof socket.send === 'function' && 'readyState' in socket;
}

/** How `GraphQLWsLink` reports a socket the gateway closed with 4401. */
const SOCKET_UNAUTHORIZED = new RegExp(`^Socket closed with event ${CLOSE_UNAUTHORIZED}\\b`);

function isSocketUnauthorized(error: unknown): boolean {
  return error instanceof Error && SOCKET_UNAUTHORIZED.test(error.message);
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const { onUnauthenticated } = options;
  const authorizationOption = options.authorization;
  const authorization = typeof authorizationOption === 'function' ? authorizationOption : () => authorizationOption;
  const signedIn = authorization() !== null;
  let openSocket: Sendable | null = null;

  const ws = createWsClient({
    url: options.wsUrl,
    lazy: true,
    ...(options.webSocketImpl ? { webSocketImpl: options.webSocketImpl } : {}),
    connectionParams: () => {
      const value = authorization();
      return value ? { authorization: value } : {};
    },
    // Keep reconnecting while a board is open (the gateway may be redeploying), backing off up
    // to 15 s. Close codes the protocol calls fatal (4401 and friends) are never retried; after a
    // 4401 the operations fail, and the error link below refreshes the token and subscribes again.
    // Nor is 4403: the live operations fail with it, and the board says its updates are paused.
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: (event) => isCloseEvent(event) && event.code !== CLOSE_FORBIDDEN,
    retryWait: (retries) =>
      new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, 15_000) + Math.random() * 500)),
    on: {
      // Events published while the socket was down are not replayed: reload what is on screen.
      connected: (socket, _payload, wasRetry) => {
        openSocket = isSendable(socket) ? socket : null;
        if (wasRetry) void client.refetchQueries({ include: 'active' });
      },
      closed: (event) => {
        openSocket = null;
        // With no refresh, a refused token ends the session even when no operation was running.
        if (signedIn && !options.refresh && isCloseEvent(event) && event.code === CLOSE_UNAUTHORIZED) onUnauthenticated();
      },
    },
  });

  const withAuthorization = new ApolloLink((operation, forward) => {
    const value = authorization();
    if (value) {
      operation.setContext(({ headers }: { headers?: Record<string, string> }) => ({ headers: { ...headers, authorization: value } }));
    }
    return forward(operation);
  });

  const refreshWhenRejected = new ErrorLink(({ error, operation, forward }): Observable<ApolloLink.Result> | void => {
    if (!signedIn || !(isUnauthenticated(error) || isSocketUnauthorized(error))) return;
    const context = operation.getContext() as { retriedAfterRefresh?: boolean };
    if (!options.refresh || context.retriedAfterRefresh) {
      // Without a refresh, a 4401 was already reported by the socket's `closed` event.
      if (options.refresh || !isSocketUnauthorized(error)) onUnauthenticated();
      return;
    }
    operation.setContext({ retriedAfterRefresh: true });
    const refresh = options.refresh;
    return from(refresh()).pipe(
      mergeMap((renewed) => {
        if (!renewed) {
          onUnauthenticated();
          throw error;
        }
        // The retried request is not seen by this link again: a second refusal ends the session here.
        return forward(operation).pipe(
          tap({
            next: (result) => {
              if ('errors' in result && result.errors?.some((e) => e.extensions?.['code'] === 'UNAUTHENTICATED')) onUnauthenticated();
            },
            error: (retryError: unknown) => {
              if (isUnauthenticated(retryError) || isSocketUnauthorized(retryError)) onUnauthenticated();
            },
          }),
        );
      }),
    );
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
    refreshWhenRejected,
    ApolloLink.split(({ query }) => isSubscriptionOperation(query), new GraphQLWsLink(ws), http),
  ]);

  const client = new ApolloClient({ link, cache: new InMemoryCache(), clientAwareness: { name: WEB_CLIENT_NAME } });
  return {
    client,
    renewAuthorization() {
      const value = authorization();
      if (value && openSocket && openSocket.readyState === 1) openSocket.send(JSON.stringify({ type: 'ping', payload: { authorization: value } }));
    },
    dispose() {
      client.stop();
      void ws.dispose();
    },
  };
}
