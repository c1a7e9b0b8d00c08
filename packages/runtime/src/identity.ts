/**
 * Identity that the gateway forwards to subgraphs.
 *
 * The gateway verifies the caller's access token, then passes who the caller is
 * in one signed internal header. Subgraphs trust nothing else: a request without a
 * valid, fresh signature is refused with 401 before GraphQL runs, which is what
 * keeps `_entities` and `_service` closed to anyone but the gateway.
 *
 * Format: `<base64url(json)>.<issuedAtMs>.<base64url(hmac-sha256)>`
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const IDENTITY_HEADER = 'x-crm-identity';
export const REQUEST_ID_HEADER = 'x-request-id';

export interface Identity {
  /** Tenant of the caller; null only for anonymous operations such as `login`. */
  tenantId: string | null;
  userId: string | null;
  roles: string[];
  /** Correlates logs across gateway and subgraphs. */
  requestId: string;
  /**
   * What authenticated the caller: a user's access token (`user`, also when absent) or a
   * partner's API key (`apikey`, then `userId` is null and `apiKeyId` is set).
   */
  actorKind?: ActorKind;
  /** The API key behind the request, when `actorKind` is `apikey`. */
  apiKeyId?: string;
  /**
   * The caller's team (the team they belong to, else the first team they manage), as the platform
   * knows it when the gateway asked (cached up to a minute). Absent for API keys and anonymous
   * callers, and from gateways that predate team facts: subgraphs then treat the caller as teamless.
   */
  teamId?: string | null;
  /**
   * Users of the teams the caller belongs to or manages (members and managers, the caller
   * included): their records are "the team's" for the `team` scope of the permission table.
   */
  teamMemberIds?: string[];
  /**
   * Merged grants (`resource:action` → `own` | `team` | `tenant`) of the tenant's custom roles the
   * caller holds, as the platform knows them when the gateway asked (with the team facts). They
   * add to the grants of `roles`; absent means none.
   */
  customGrants?: Record<string, string>;
  /**
   * The tenant's `maskDealAmountsOutsideTeam` setting, sent with the team facts (cached up to a
   * minute): the sales subgraph then hides the amounts of deals owned outside the caller's team
   * from non-admins who read deals tenant-wide. Absent means off.
   */
  maskDealAmountsOutsideTeam?: boolean;
  /**
   * The caller's network address as the gateway saw it, on anonymous requests only (the platform
   * throttles refused sign-ins per address). Signed users and API keys never carry it, so cached
   * answers and subscription groups stay shared across a user's devices.
   */
  clientAddress?: string;
}

export type ActorKind = 'user' | 'apikey';

/** Whether the caller is a partner's API key rather than a signed-in user. */
export const isApiKeyIdentity = (identity: Identity): identity is Identity & { actorKind: 'apikey'; apiKeyId: string } =>
  identity.actorKind === 'apikey' && typeof identity.apiKeyId === 'string';

export const ANONYMOUS = (requestId: string): Identity => ({ tenantId: null, userId: null, roles: [], requestId });

function mac(secret: string, data: string): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

export function signIdentity(identity: Identity, secret: string, now = Date.now()): string {
  const body = Buffer.from(JSON.stringify(identity)).toString('base64url');
  const data = `${body}.${now}`;
  return `${data}.${mac(secret, data).toString('base64url')}`;
}

export interface VerifyOptions {
  /** Oldest signature accepted, in ms. Default 60 000. */
  maxAgeMs?: number;
  now?: number;
}

/** Returns the identity, or null when the header is missing, forged, or stale. */
export function verifyIdentity(header: string | undefined | null, secret: string, options: VerifyOptions = {}): Identity | null {
  if (!header) return null;
  const parts = header.split('.');
  if (parts.length !== 3) return null;
  const [body, issuedAt, signature] = parts as [string, string, string];
  const expected = mac(secret, `${body}.${issuedAt}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const age = (options.now ?? Date.now()) - Number(issuedAt);
  if (!Number.isFinite(age) || age > (options.maxAgeMs ?? 60_000) || age < -5_000) return null;
  try {
    const parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Identity;
    if (typeof parsed !== 'object' || parsed === null || !Array.isArray(parsed.roles)) return null;
    return parsed;
  } catch {
    return null;
  }
}
