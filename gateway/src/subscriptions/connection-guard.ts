/**
 * Who may hold a graphql-ws connection, and how many.
 *
 * - Origin: browsers send `Origin` on the WebSocket handshake. When an allowlist is configured, a
 *   handshake from any other origin is closed with 4403; clients that send no Origin (mobile
 *   apps, servers) are not browsers and are let through to authenticate like everyone else.
 * - Tenants: each tenant may hold a bounded number of connections per gateway instance; one more
 *   is closed with 4429 so a single tenant cannot exhaust the instance.
 */

/** Forbidden connection (Origin not allowed, or a token refresh for another user). */
export const CLOSE_FORBIDDEN = 4403;

/** Whether a handshake's Origin may connect. No allowlist: every origin; no Origin header: allowed. */
export function originAllowed(origin: string | undefined, allowlist: readonly string[] | undefined): boolean {
  if (!allowlist || !origin) return true;
  const normalized = normalizeOrigin(origin);
  return normalized !== null && allowlist.some((allowed) => normalizeOrigin(allowed) === normalized);
}

/** `scheme://host[:port]` in lower case, default ports dropped; null for anything that is not an origin. */
function normalizeOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin.toLowerCase() : null;
  } catch {
    return null;
  }
}

/** Open connections per tenant on this instance, with an upper bound. */
export class TenantConnections {
  private readonly counts = new Map<string, number>();

  constructor(readonly limit: number) {}

  /** Takes a slot for the tenant; false when it already holds `limit` connections. */
  acquire(tenantId: string): boolean {
    const current = this.counts.get(tenantId) ?? 0;
    if (current >= this.limit) return false;
    this.counts.set(tenantId, current + 1);
    return true;
  }

  release(tenantId: string): void {
    const current = this.counts.get(tenantId) ?? 0;
    if (current <= 1) this.counts.delete(tenantId);
    else this.counts.set(tenantId, current - 1);
  }

  of(tenantId: string): number {
    return this.counts.get(tenantId) ?? 0;
  }
}
