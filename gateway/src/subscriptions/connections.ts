/**
 * Authenticated graphql-ws connections: who is on the other end, until when, and how much they
 * may have waiting.
 *
 * - `connection_init` carries a user's access token (`{ authorization: 'Bearer <token>' }` or
 *   `{ token }`) or a partner's API key (`{ apiKey: 'crm_…' }`, `{ 'x-api-key': 'crm_…' }` or
 *   `{ authorization: 'Bearer crm_…' }`), read like the HTTP headers (`auth/credentials.ts`). A
 *   missing or invalid credential closes with 4401, unavailable signing keys or an unreachable
 *   platform with 1013 (try again later).
 * - A tenant holding `maxConnectionsPerTenant` connections on this instance gets 4429.
 * - Tokens: the connection closes with 4401 when its token expires, unless the client sent a
 *   graphql-ws `ping` carrying a fresh token first (same payload shape). A fresh token for another
 *   tenant or user closes with 4403; its roles apply to the connection's subscriptions from then on.
 * - Users: a user's connections close with 4403 as soon as this instance learns the user was
 *   deactivated or erased (`deactivated`, from `platform.user.deactivated` or
 *   `platform.personal_data.erased`; see user-connections.ts).
 * - API keys: verified as on HTTP (same answer cache), and `connection_init` and every operation
 *   sent over the socket count as requests against the key's and its tenant's rate limits (over
 *   one: 4429 at connection, RATE_LIMITED per operation). The connection acts as the key's role,
 *   closes with 4401 when the key expires, and with 4403 when it is revoked: at once on the
 *   platform's `platform.apikey.revoked` event (`revoked`), and in any case when the key no longer
 *   verifies, which is checked every `apiKeyRecheckMs` (default: the key cache lifetime, 30 s).
 * - Every subscription of a connection shares one delivery budget: beyond `maxQueued` undelivered
 *   messages the client is not keeping up and the connection closes with 4429.
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { HttpError, type Identity, type Logger } from '@crm/runtime';
import { API_KEY_HEADER } from '../auth/api-keys.ts';
import { credentialsOf, MalformedCredentialsError, type PresentedHeaders } from '../auth/credentials.ts';
import type { Deactivation } from '../auth/deactivated-users.ts';
import { gatewayError } from '../errors.ts';
import type { GraphQLError } from '../graphql.ts';
import { AuthError, toIdentity, type Authenticator } from '../plugins/useAuth.ts';
import { CLOSE_FORBIDDEN, TenantConnections } from './connection-guard.ts';
import type { DeliveryBudget } from './event-queue.ts';
import { UserConnections } from './user-connections.ts';

export const CLOSE_UNAUTHORIZED = 4401;
/** A client that does not keep up, or a tenant over its connection limit. */
export const CLOSE_TOO_SLOW = 4429;
/** Standard WebSocket "try again later": the signing keys could not be loaded. */
export const CLOSE_TRY_AGAIN_LATER = 1013;

export interface Connection {
  /** Shared with the connection's subscribers: a refreshed token's roles apply to their next events. */
  identity: Identity;
  tenantId: string;
  budget: DeliveryBudget;
  subscriptions: number;
  expiry?: NodeJS.Timeout;
  /** When the user's current access token was issued, ms (a refreshed token's replaces it). */
  issuedAt?: number;
  /** Set when a partner's API key opened the connection. */
  apiKey?: ApiKeyConnection;
}

/** What an API key connection remembers of its key (in memory only, to verify it again). */
export interface ApiKeyConnection {
  id: string;
  key: string;
  /** The key may only run persisted operations, which graphql-ws cannot name: every operation is refused. */
  persistedOnly: boolean;
  recheck?: NodeJS.Timeout;
}

export interface ConnectionsOptions {
  authenticator: Authenticator;
  logger: Logger;
  maxQueued: number;
  maxConnectionsPerTenant: number;
  /**
   * Counts one request of an API key (its `connection_init`, then each operation) against the
   * rate limits; throws an `HttpError` 429 over one. Absent: API key connections are not counted.
   */
  rateLimit?: (identity: Identity) => Promise<unknown>;
  /** How often an API key connection's key is verified again (revocation, expiry), ms. Default 30 000. */
  apiKeyRecheckMs?: number;
}

const carriesToken = (params: Record<string, unknown>) => 'authorization' in params || 'Authorization' in params || 'token' in params;

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The credentials a `connection_init` (or refreshing `ping`) payload presents, as the HTTP headers would. */
export function presentedHeaders(params: Record<string, unknown> | undefined): PresentedHeaders {
  const values = params ?? {};
  const token = text(values['token']);
  return {
    authorization: text(values['authorization']) ?? text(values['Authorization']) ?? (token ? `Bearer ${token}` : undefined),
    [API_KEY_HEADER]: text(values['apiKey']) ?? text(values[API_KEY_HEADER]),
  };
}

export class Connections {
  private readonly tenants: TenantConnections;
  /** Open API key connections by key id, with their sockets (revocation closes them). */
  private readonly byKey = new Map<string, Map<Connection, WebSocket>>();
  /** Open connections of signed-in users (deactivation closes them). */
  private readonly users: UserConnections;

  constructor(private readonly options: ConnectionsOptions) {
    this.tenants = new TenantConnections(options.maxConnectionsPerTenant);
    this.users = new UserConnections(options.logger);
  }

  /** Authenticates a `connection_init`; on refusal closes the socket and returns null. */
  async open(params: Record<string, unknown> | undefined, socket: WebSocket): Promise<Connection | null> {
    try {
      const credentials = readCredentials(params);
      if (credentials.kind === 'apikey') return await this.openWithKey(credentials.key, socket);
      const token = await this.options.authenticator.verifyToken(credentials.token);
      // deactivated while this token was being verified: the shared record may have been read before it was written
      if (!token.clientId && this.users.refuses(token.tenantId, token.userId, token.issuedAt ?? 0)) throw new AuthError('invalid', 'This account is deactivated');
      if (!this.takeSlot(token.tenantId, socket)) return null;
      const connection = this.connection(toIdentity(token, randomUUID()), socket);
      connection.issuedAt = token.issuedAt ?? 0;
      this.users.add(connection, socket);
      this.expireAt(connection, socket, token.expiresAt);
      return connection;
    } catch (error) {
      this.refuse(error, socket);
      return null;
    }
  }

  /** A `ping` whose payload carries a token refreshes the connection's token before it expires (API key connections have none). */
  async refresh(connection: Connection, payload: Record<string, unknown> | undefined, socket: WebSocket): Promise<void> {
    if (!payload || !carriesToken(payload) || connection.apiKey) return;
    try {
      const credentials = readCredentials(payload);
      if (credentials.kind === 'apikey') {
        socket.close(CLOSE_FORBIDDEN, 'A refreshed token must be for the same user');
        return;
      }
      const token = await this.options.authenticator.verifyToken(credentials.token);
      if (token.tenantId !== connection.tenantId || token.userId !== connection.identity.userId) {
        socket.close(CLOSE_FORBIDDEN, 'A refreshed token must be for the same user');
        return;
      }
      connection.identity.roles = token.roles;
      if (token.customGrants) connection.identity.customGrants = token.customGrants;
      connection.issuedAt = token.issuedAt ?? 0;
      this.expireAt(connection, socket, token.expiresAt);
    } catch (error) {
      const unavailable = !(error instanceof AuthError) || error.failure === 'unavailable';
      // keys unavailable: the current token still holds until it expires
      if (unavailable) this.options.logger.error({ err: error }, 'subscription token refresh unavailable');
      else socket.close(CLOSE_UNAUTHORIZED, 'Unauthorized');
    }
  }

  /**
   * Counts one operation of an API key connection against its rate limits: null when it may run,
   * else the error to answer it with (RATE_LIMITED). Connections of users are not counted here.
   */
  async admitOperation(connection: Connection): Promise<GraphQLError | null> {
    if (!connection.apiKey || !this.options.rateLimit) return null;
    try {
      await this.options.rateLimit(connection.identity);
      return null;
    } catch (error) {
      if (error instanceof HttpError && error.status === 429) return gatewayError('RATE_LIMITED', error.message, { retryAfter: Number(error.headers['retry-after'] ?? 1) });
      throw error;
    }
  }

  /** Closes (4403) this instance's connections opened with an API key that was just revoked. */
  revoked(tenantId: string, apiKeyId: string): number {
    const open = this.byKey.get(apiKeyId);
    if (!open) return 0;
    let closed = 0;
    for (const [connection, socket] of open) {
      if (connection.tenantId !== tenantId) continue;
      socket.close(CLOSE_FORBIDDEN, 'API key revoked');
      closed++;
    }
    if (closed) this.options.logger.info({ tenantId, apiKeyId, closed }, 'closed the subscription connections of a revoked API key');
    return closed;
  }

  /** Closes (4403) this instance's connections of a user just deactivated (or erased) whose tokens predate it. */
  deactivated(deactivation: Deactivation): number {
    return this.users.deactivated(deactivation);
  }

  /** Frees what an open connection holds (its tenant slot, its timers). */
  close(connection: Connection): void {
    if (connection.expiry) clearTimeout(connection.expiry);
    this.users.remove(connection);
    if (connection.apiKey) {
      if (connection.apiKey.recheck) clearInterval(connection.apiKey.recheck);
      const open = this.byKey.get(connection.apiKey.id);
      open?.delete(connection);
      if (open?.size === 0) this.byKey.delete(connection.apiKey.id);
    }
    this.tenants.release(connection.tenantId);
  }

  /** An API key's connection: verified and rate-limited as an HTTP request, closed when the key expires or stops verifying. */
  private async openWithKey(key: string, socket: WebSocket): Promise<Connection | null> {
    const { authenticator, logger } = this.options;
    const identity = await authenticator.authenticate({ [API_KEY_HEADER]: key }, randomUUID());
    const grant = authenticator.apiKeyOf(identity);
    if (!grant || !identity.tenantId) throw new AuthError('invalid', 'The API key is invalid, expired or revoked', 'apikey');
    if (this.options.rateLimit) {
      try {
        await this.options.rateLimit(identity);
      } catch (error) {
        if (!(error instanceof HttpError) || error.status !== 429) throw error;
        logger.warn({ tenantId: grant.tenantId, apiKeyId: grant.apiKeyId }, 'refusing a subscription connection over its API key rate limit');
        socket.close(CLOSE_TOO_SLOW, 'Too many requests for this API key');
        return null;
      }
    }
    if (!this.takeSlot(grant.tenantId, socket)) return null;
    const connection = this.connection(identity, socket);
    const apiKey: ApiKeyConnection = { id: grant.apiKeyId, key, persistedOnly: grant.persistedOnly };
    connection.apiKey = apiKey;
    if (grant.expiresAt !== null) this.expireAt(connection, socket, grant.expiresAt, 'API key expired');
    apiKey.recheck = setInterval(() => void this.recheck(connection, socket), this.options.apiKeyRecheckMs ?? 30_000);
    apiKey.recheck.unref();
    let open = this.byKey.get(apiKey.id);
    if (!open) this.byKey.set(apiKey.id, (open = new Map()));
    open.set(connection, socket);
    return connection;
  }

  /** Verifies an API key connection's key again: revoked or expired keys close the connection (4403). */
  private async recheck(connection: Connection, socket: WebSocket): Promise<void> {
    if (!connection.apiKey) return;
    try {
      await this.options.authenticator.authenticate({ [API_KEY_HEADER]: connection.apiKey.key }, randomUUID());
    } catch (error) {
      if (error instanceof AuthError && error.failure !== 'unavailable') {
        this.options.logger.info({ tenantId: connection.tenantId, apiKeyId: connection.apiKey.id }, 'closing a subscription connection whose API key no longer verifies');
        socket.close(CLOSE_FORBIDDEN, 'API key revoked');
      } else {
        // the platform cannot answer: the key keeps its connection until it can
        this.options.logger.warn({ err: error, apiKeyId: connection.apiKey.id }, 'could not verify a subscription connection\'s API key again');
      }
    }
  }

  private takeSlot(tenantId: string, socket: WebSocket): boolean {
    if (this.tenants.acquire(tenantId)) return true;
    this.options.logger.warn({ tenantId, limit: this.tenants.limit }, 'refusing a subscription connection over the tenant limit');
    socket.close(CLOSE_TOO_SLOW, 'Too many connections for this tenant');
    return false;
  }

  private connection(identity: Identity, socket: WebSocket): Connection {
    const log = this.options.logger;
    const tenantId = identity.tenantId!;
    return {
      identity,
      tenantId,
      subscriptions: 0,
      budget: {
        pending: 0,
        limit: this.options.maxQueued,
        onOverflow: () => {
          log.warn({ tenantId, userId: identity.userId, apiKeyId: identity.apiKeyId }, 'closing a subscription connection that does not keep up');
          socket.close(CLOSE_TOO_SLOW, 'Too many undelivered messages');
        },
      },
    };
  }

  private refuse(error: unknown, socket: WebSocket): void {
    const unavailable = !(error instanceof AuthError) || error.failure === 'unavailable';
    if (unavailable) this.options.logger.error({ err: error }, 'subscription authentication unavailable');
    socket.close(unavailable ? CLOSE_TRY_AGAIN_LATER : CLOSE_UNAUTHORIZED, unavailable ? 'Authentication unavailable' : 'Unauthorized');
  }

  /** (Re)arms the close at token (or API key) expiry. */
  private expireAt(connection: Connection, socket: WebSocket, expiresAt: number, reason = 'Token expired'): void {
    if (connection.expiry) clearTimeout(connection.expiry);
    const ttl = expiresAt - Date.now();
    connection.expiry = setTimeout(() => socket.close(CLOSE_UNAUTHORIZED, reason), Math.max(0, Math.min(ttl, 2 ** 31 - 1)));
    connection.expiry.unref();
  }
}

/** The credential of a `connection_init` or `ping` payload. Throws `AuthError` (4401) when there is none or it cannot be read. */
function readCredentials(params: Record<string, unknown> | undefined): { kind: 'token'; token: string } | { kind: 'apikey'; key: string } {
  let credentials;
  try {
    credentials = credentialsOf(presentedHeaders(params));
  } catch (error) {
    if (error instanceof MalformedCredentialsError) throw new AuthError('malformed', error.message, error.credential);
    throw error;
  }
  if (credentials.kind === 'none') throw new AuthError('malformed', 'connection_init must carry an access token or an API key');
  return credentials;
}
