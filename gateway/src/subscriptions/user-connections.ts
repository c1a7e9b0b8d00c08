/**
 * Signed-in users' graphql-ws connections on this instance, by tenant and user, so that a user
 * taken away (deactivated by a tenant admin, or erased under GDPR) loses their open sockets at once
 * instead of when their access token expires.
 *
 * - `deactivated` closes with 4403 ("User deactivated") every connection of that tenant and user
 *   whose token was issued up to the deactivation (a token from the same second counts as earlier,
 *   as on HTTP). Connections of other users, and of the same user id in another tenant, stay open;
 *   so does one whose token was issued later (the user was reactivated and signed in again).
 * - A connection still being authenticated when the event arrives may have read the shared record
 *   before it was written and be indexed after the sweep; the deactivations this instance saw in
 *   the last `rememberMs` (default one minute, far beyond one authentication) are kept so such a
 *   connection is refused as it opens (`refuses`).
 * - API key and partner client connections have no user and are not indexed here.
 */
import type { WebSocket } from 'ws';
import type { Logger } from '@crm/runtime';
import { issuedBefore, type Deactivation } from '../auth/deactivated-users.ts';
import { CLOSE_FORBIDDEN } from './connection-guard.ts';
import type { Connection } from './connections.ts';

export const USER_DEACTIVATED_REASON = 'User deactivated';

const keyOf = (tenantId: string, userId: string) => `${tenantId}:${userId}`;

export class UserConnections {
  private readonly open = new Map<string, Map<Connection, WebSocket>>();
  /** Deactivations seen lately: user key → deactivation time and when it was seen (ms). */
  private readonly recent = new Map<string, { at: number; seenAt: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly rememberMs = 60_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Indexes a user's connection (no-op for connections without a user). */
  add(connection: Connection, socket: WebSocket): void {
    const userId = connection.identity.userId;
    if (!userId || connection.apiKey || connection.identity.actorKind === 'apikey') return;
    const key = keyOf(connection.tenantId, userId);
    let sockets = this.open.get(key);
    if (!sockets) this.open.set(key, (sockets = new Map()));
    sockets.set(connection, socket);
  }

  remove(connection: Connection): void {
    const userId = connection.identity.userId;
    if (!userId) return;
    const key = keyOf(connection.tenantId, userId);
    const sockets = this.open.get(key);
    sockets?.delete(connection);
    if (sockets?.size === 0) this.open.delete(key);
  }

  /** Closes (4403) this instance's connections of a user whose tokens predate the deactivation; returns how many. */
  deactivated({ tenantId, userId, at }: Deactivation): number {
    const key = keyOf(tenantId, userId);
    this.forgetOld();
    this.recent.set(key, { at, seenAt: this.clock() });
    let closed = 0;
    for (const [connection, socket] of this.open.get(key) ?? []) {
      if (!issuedBefore(connection.issuedAt ?? 0, at)) continue;
      socket.close(CLOSE_FORBIDDEN, USER_DEACTIVATED_REASON);
      closed++;
    }
    if (closed) this.logger.info({ tenantId, userId, closed }, 'closed the subscription connections of a deactivated user');
    return closed;
  }

  /** Whether a token of this user issued at `issuedAt` predates a deactivation this instance saw lately. */
  refuses(tenantId: string, userId: string, issuedAt: number): boolean {
    const seen = this.recent.get(keyOf(tenantId, userId));
    return !!seen && this.clock() - seen.seenAt < this.rememberMs && issuedBefore(issuedAt, seen.at);
  }

  /** Users with open connections on this instance. */
  get size(): number {
    return this.open.size;
  }

  private forgetOld(): void {
    const now = this.clock();
    for (const [key, seen] of this.recent) if (now - seen.seenAt >= this.rememberMs) this.recent.delete(key);
  }
}
