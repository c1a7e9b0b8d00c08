/**
 * Authenticated graphql-ws connections: who is on the other end, until when, and how much they
 * may have waiting.
 *
 * - `connection_init` carries `{ authorization: 'Bearer <token>' }` (or `{ token }`); a missing or
 *   invalid token closes with 4401, unavailable signing keys with 1013 (try again later).
 * - A tenant holding `maxConnectionsPerTenant` connections on this instance gets 4429.
 * - The connection closes with 4401 when its token expires, unless the client sent a graphql-ws
 *   `ping` carrying a fresh token first (same payload shape). A fresh token for another tenant or
 *   user closes with 4403; its roles apply to the connection's subscriptions from then on.
 * - Every subscription of a connection shares one delivery budget: beyond `maxQueued` undelivered
 *   messages the client is not keeping up and the connection closes with 4429.
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { Identity, Logger } from '@crm/runtime';
import { AuthError, bearerToken, toIdentity, type Authenticator, type VerifiedToken } from '../plugins/useAuth.ts';
import { CLOSE_FORBIDDEN, TenantConnections } from './connection-guard.ts';
import type { DeliveryBudget } from './event-queue.ts';

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
}

export interface ConnectionsOptions {
  authenticator: Authenticator;
  logger: Logger;
  maxQueued: number;
  maxConnectionsPerTenant: number;
}

const carriesToken = (params: Record<string, unknown>) => 'authorization' in params || 'Authorization' in params || 'token' in params;

export class Connections {
  private readonly tenants: TenantConnections;

  constructor(private readonly options: ConnectionsOptions) {
    this.tenants = new TenantConnections(options.maxConnectionsPerTenant);
  }

  /** Authenticates a `connection_init`; on refusal closes the socket and returns null. */
  async open(params: Record<string, unknown> | undefined, socket: WebSocket): Promise<Connection | null> {
    const log = this.options.logger;
    try {
      const token = await this.verify(params);
      if (!this.tenants.acquire(token.tenantId)) {
        log.warn({ tenantId: token.tenantId, limit: this.tenants.limit }, 'refusing a subscription connection over the tenant limit');
        socket.close(CLOSE_TOO_SLOW, 'Too many connections for this tenant');
        return null;
      }
      const connection: Connection = {
        identity: toIdentity(token, randomUUID()),
        tenantId: token.tenantId,
        subscriptions: 0,
        budget: {
          pending: 0,
          limit: this.options.maxQueued,
          onOverflow: () => {
            log.warn({ tenantId: token.tenantId, userId: token.userId }, 'closing a subscription connection that does not keep up');
            socket.close(CLOSE_TOO_SLOW, 'Too many undelivered messages');
          },
        },
      };
      this.expireAt(connection, socket, token.expiresAt);
      return connection;
    } catch (error) {
      const unavailable = !(error instanceof AuthError) || error.failure === 'unavailable';
      if (unavailable) log.error({ err: error }, 'subscription authentication unavailable');
      socket.close(unavailable ? CLOSE_TRY_AGAIN_LATER : CLOSE_UNAUTHORIZED, unavailable ? 'Authentication unavailable' : 'Unauthorized');
      return null;
    }
  }

  /** A `ping` whose payload carries a token refreshes the connection's token before it expires. */
  async refresh(connection: Connection, payload: Record<string, unknown> | undefined, socket: WebSocket): Promise<void> {
    if (!payload || !carriesToken(payload)) return;
    try {
      const token = await this.verify(payload);
      if (token.tenantId !== connection.tenantId || token.userId !== connection.identity.userId) {
        socket.close(CLOSE_FORBIDDEN, 'A refreshed token must be for the same user');
        return;
      }
      connection.identity.roles = token.roles;
      this.expireAt(connection, socket, token.expiresAt);
    } catch (error) {
      const unavailable = !(error instanceof AuthError) || error.failure === 'unavailable';
      // keys unavailable: the current token still holds until it expires
      if (unavailable) this.options.logger.error({ err: error }, 'subscription token refresh unavailable');
      else socket.close(CLOSE_UNAUTHORIZED, 'Unauthorized');
    }
  }

  /** Frees what an open connection holds (its tenant slot, its expiry timer). */
  close(connection: Connection): void {
    if (connection.expiry) clearTimeout(connection.expiry);
    this.tenants.release(connection.tenantId);
  }

  /** Verifies the token carried by `connection_init` or a refreshing `ping`. Throws AuthError. */
  private verify(params: Record<string, unknown> | undefined): Promise<VerifiedToken> {
    const values = params ?? {};
    const raw = values['authorization'] ?? values['Authorization'] ?? (typeof values['token'] === 'string' ? `Bearer ${values['token']}` : undefined);
    if (typeof raw !== 'string' || raw === '') return Promise.reject(new AuthError('malformed', 'connection_init must carry an access token'));
    try {
      return this.options.authenticator.verifyToken(bearerToken(raw));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** (Re)arms the close at token expiry. */
  private expireAt(connection: Connection, socket: WebSocket, expiresAt: number): void {
    if (connection.expiry) clearTimeout(connection.expiry);
    const ttl = expiresAt - Date.now();
    connection.expiry = setTimeout(() => socket.close(CLOSE_UNAUTHORIZED, 'Token expired'), Math.max(0, Math.min(ttl, 2 ** 31 - 1)));
    connection.expiry.unref();
  }
}
