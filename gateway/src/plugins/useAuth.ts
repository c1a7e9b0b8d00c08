/**
 * Who is calling: `Authorization: Bearer <access token>` issued by the platform subgraph, or a
 * partner's API key (`Authorization: Bearer crm_…` or `x-api-key: crm_…`, see `auth/api-keys.ts`).
 *
 * Tokens are JWTs signed with the platform's keys (EdDSA/Ed25519; ES256 and RS256 keys are
 * accepted when the JWKS publishes them). The algorithm allowlist is explicit, so `alg: none`
 * and HMAC tokens are refused whatever the token claims. Issuer `crm-platform`, audience `crm-api`.
 *
 * - No Authorization header: an anonymous identity (tenantId null). Subgraphs decide what
 *   anonymous callers may do (e.g. `login`).
 * - A header that is present but not a valid, unexpired token: HTTP 401, code UNAUTHENTICATED.
 * - An API key acts as its tenant with its role (actor kind `apikey`, no user). An unknown,
 *   revoked or expired key is one and the same 401 UNAUTHENTICATED, which never tells whether
 *   the key exists (in this tenant or another).
 * - The token of a user deactivated after it was issued: 401 UNAUTHENTICATED on every instance
 *   within about a second of `platform.user.deactivated` (`auth/deactivated-users.ts`).
 *
 * A signed-in user's identity carries their team facts (`teamId`, `teamMemberIds`) and the merged
 * grants of their custom roles (`customGrants`) from the platform, cached per user for a minute
 * and dropped sooner on role events (`auth/team-facts.ts`), on `/graphql` and on subscriptions (as
 * of the connection's start or its last token refresh); API keys carry none.
 *
 * Verified tokens are remembered (bounded, until they expire), so a client sending the same
 * token again costs a map lookup instead of a signature check.
 */
import { errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { HttpError, type Cache, type Identity, type Logger } from '@crm/runtime';
import { JwksStore, JwksUnavailableError, type JwksStoreOptions } from '../auth/jwks.ts';
import { ApiKeyLookupError, createApiKeyVerifier, type ApiKeyCacheOptions, type ApiKeyGrant, type ApiKeyLookup } from '../auth/api-keys.ts';
import { credentialsOf, MalformedCredentialsError, type PresentedHeaders } from '../auth/credentials.ts';
import { createTeamFactsResolver, type TeamFactsLookup } from '../auth/team-facts.ts';
import { isPartnerClientToken } from '../auth/oidc.ts';
import { createDeactivatedUsers, type UserStatusEvent } from '../auth/deactivated-users.ts';

export const SUPPORTED_ALGORITHMS = ['EdDSA', 'Ed25519', 'ES256', 'RS256'] as const;
export type SupportedAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number];

export interface AuthOptions {
  /** The platform's `/.well-known/jwks.json`. */
  jwksUrl: string;
  /** Shared cache holding the JWKS (Redis in production). */
  cache: Cache;
  logger: Logger;
  /** Accepted `iss` values: the `login` mutation's and the OpenID Connect issuer's (`<public url>/oidc`). Default `crm-platform`. */
  issuer?: string | readonly string[];
  /** Expected `aud`. Default `crm-api`. */
  audience?: string;
  /** Accepted signature algorithms. Default: EdDSA, Ed25519, ES256, RS256 (never `none` or HS*). */
  algorithms?: readonly SupportedAlgorithm[];
  /** Allowed clock skew when checking `exp`/`nbf`, seconds. Default 5. */
  clockToleranceSeconds?: number;
  /** Verified tokens remembered. Default 10 000. */
  verifiedTokenCacheSize?: number;
  /** JWKS caching and rotation settings. Defaults: see `JwksStoreOptions`. */
  jwks?: Pick<JwksStoreOptions, 'cacheKey' | 'ttlSeconds' | 'localTtlMs' | 'refetchCooldownMs' | 'fetchTimeoutMs'>;
  /**
   * How API keys are verified: `lookup` asks the platform, answers are cached (defaults:
   * `API_KEY_CACHE_DEFAULTS`). Without it every API key is refused.
   */
  apiKeys?: ApiKeyCacheOptions & { lookup: ApiKeyLookup };
  /**
   * Where a signed-in user's team facts come from (see `auth/team-facts.ts`), cached per user for
   * `ttlSeconds` (default 60). Without it identities carry no team facts (teamless callers).
   */
  teamFacts?: { lookup: TeamFactsLookup; ttlSeconds?: number };
  /** Called with every identity a user's access token yields, before the request proceeds (e.g. auditing System Admin access). */
  onUserAuthenticated?: (identity: Identity) => Promise<void>;
}

/** Who a valid access token speaks for. */
export interface VerifiedToken {
  tenantId: string;
  userId: string;
  roles: string[];
  /** When the token expires, ms since the epoch. */
  expiresAt: number;
  /** When the token was issued (`iat`), ms since the epoch; 0 when it does not say. */
  issuedAt?: number;
  /** The user's team facts (see `auth/team-facts.ts`), when the authenticator knows where to ask. */
  teamId?: string | null;
  teamMemberIds?: string[];
  /** Merged grants of the user's custom roles, with the team facts. */
  customGrants?: Record<string, string>;
  /** The tenant masks deal amounts outside teams (with the team facts; see `Identity.maskDealAmountsOutsideTeam`). */
  maskDealAmountsOutsideTeam?: boolean;
  /** Set for a partner client's OpenID Connect token (client credentials): the client id; `userId` is then not a user. */
  clientId?: string;
}

export type AuthFailure = 'malformed' | 'invalid' | 'expired' | 'unavailable';

/** The caller presented credentials that cannot be accepted (or keys to check them are unavailable). */
export class AuthError extends Error {
  constructor(
    readonly failure: AuthFailure,
    message: string,
    /** What was presented: an access token or an API key. */
    readonly credential: 'token' | 'apikey' = 'token',
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

export interface Authenticator {
  /** Verifies a bare token (no `Bearer ` prefix). Throws `AuthError`. */
  verifyToken(token: string): Promise<VerifiedToken>;
  /** Identity for an `Authorization` header value; anonymous when there is none. Throws `AuthError`. */
  identify(authorization: string | undefined, requestId: string): Promise<Identity>;
  /** Identity for a request's `Authorization` and `x-api-key` headers; anonymous without either. Throws `AuthError`. */
  authenticate(headers: PresentedHeaders, requestId: string): Promise<Identity>;
  /** The API key grant behind an identity returned by `authenticate` (undefined for users and anonymous callers). */
  apiKeyOf(identity: Identity): ApiKeyGrant | undefined;
  /** The HTTP answer for a failed authentication: 401 (or 503 when keys are unavailable). */
  httpError(error: AuthError): HttpError;
  /** Drops the cached team facts and custom grants of these users (after a role change). */
  forgetFacts(tenantId: string, userIds: readonly string[]): Promise<void>;
  /**
   * Reads `platform.user.deactivated` and the erasure of a user (`platform.personal_data.erased`):
   * the user's tokens issued before are refused from then on (`auth/deactivated-users.ts`).
   */
  observeUserStatus(event: UserStatusEvent): Promise<void>;
}

const BEARER = /^Bearer[ \t]+([A-Za-z0-9_\-.~+/]+=*)[ \t]*$/i;

/** Extracts the token of an `Authorization: Bearer <token>` value; throws `AuthError` otherwise. */
export function bearerToken(authorization: string): string {
  const match = BEARER.exec(authorization);
  if (!match?.[1]) throw new AuthError('malformed', 'Authorization header must be "Bearer <access token>"');
  return match[1];
}

export function toIdentity(token: VerifiedToken, requestId: string): Identity {
  if (token.clientId) return { tenantId: token.tenantId, userId: null, roles: token.roles, requestId, actorKind: 'apikey', apiKeyId: token.clientId };
  const team = token.teamMemberIds ? { teamId: token.teamId ?? null, teamMemberIds: token.teamMemberIds } : {};
  const custom = token.customGrants ? { customGrants: token.customGrants } : {};
  const masking = token.maskDealAmountsOutsideTeam ? { maskDealAmountsOutsideTeam: true } : {};
  return { tenantId: token.tenantId, userId: token.userId, roles: token.roles, requestId, ...team, ...custom, ...masking };
}

/** The identity an API key acts as: its tenant and role, no user, actor kind `apikey`. */
export function apiKeyIdentity(grant: ApiKeyGrant, requestId: string): Identity {
  return { tenantId: grant.tenantId, userId: null, roles: [...grant.roles], requestId, actorKind: 'apikey', apiKeyId: grant.apiKeyId };
}

const INVALID_API_KEY = 'The API key is invalid, expired or revoked';

export function useAuth(options: AuthOptions): Authenticator {
  const jwks = new JwksStore({ ...options.jwks, url: options.jwksUrl, cache: options.cache, logger: options.logger });
  const verifyOptions = {
    issuer: typeof options.issuer === 'string' ? options.issuer : options.issuer ? [...options.issuer] : 'crm-platform',
    audience: options.audience ?? 'crm-api',
    algorithms: [...(options.algorithms ?? SUPPORTED_ALGORITHMS)],
    clockTolerance: options.clockToleranceSeconds ?? 5,
    requiredClaims: ['exp', 'sub'],
  };
  const verified = new Map<string, VerifiedToken>();
  const maxRemembered = options.verifiedTokenCacheSize ?? 10_000;

  // Keys are looked up only once the token parses and names an allowed algorithm, so garbage
  // is refused without touching the JWKS.
  const currentKey: JWTVerifyGetKey = async (header, input) => (await jwks.keySet())(header, input);

  async function verifyWithKeys(token: string): Promise<JWTPayload> {
    try {
      return (await jwtVerify(token, currentKey, verifyOptions)).payload;
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
      // Unknown key id: the platform may have rotated its keys since we last looked.
      const fresh = await jwks.refetch();
      if (!fresh) throw error;
      return (await jwtVerify(token, fresh, verifyOptions)).payload;
    }
  }

  // The signature check is remembered per token; team facts are looked up on every use (cached
  // per user for a minute), so a change of teams applies without a new token.
  async function verifyToken(token: string): Promise<VerifiedToken> {
    const verifiedToken = await verifySignature(token);
    if (verifiedToken.clientId) return verifiedToken;
    // both answers come from the shared cache; ask at once
    const [revoked, facts] = await Promise.all([
      deactivated.revoked(verifiedToken.tenantId, verifiedToken.userId, verifiedToken.issuedAt ?? 0),
      teamFacts?.factsOf(verifiedToken.tenantId, verifiedToken.userId),
    ]);
    if (revoked) throw new AuthError('invalid', 'This account is deactivated');
    return facts ? { ...verifiedToken, ...facts } : verifiedToken;
  }

  async function verifySignature(token: string): Promise<VerifiedToken> {
    const known = verified.get(token);
    if (known) {
      if (known.expiresAt + verifyOptions.clockTolerance * 1000 > Date.now()) return known;
      verified.delete(token);
      throw new AuthError('expired', 'Access token has expired');
    }
    let payload: JWTPayload;
    try {
      payload = await verifyWithKeys(token);
    } catch (error) {
      throw toAuthError(error);
    }
    const result = claimsOf(payload);
    if (verified.size >= maxRemembered) {
      const oldest = verified.keys().next().value;
      if (oldest !== undefined) verified.delete(oldest);
    }
    verified.set(token, result);
    return result;
  }

  const apiKeys = options.apiKeys ? createApiKeyVerifier({ ...options.apiKeys, cache: options.cache, logger: options.logger }) : undefined;
  const grants = new WeakMap<Identity, ApiKeyGrant>();
  const teamFacts = options.teamFacts ? createTeamFactsResolver({ ...options.teamFacts, cache: options.cache, logger: options.logger }) : undefined;
  const deactivated = createDeactivatedUsers({ cache: options.cache, logger: options.logger });

  async function verifyApiKey(key: string, requestId: string): Promise<Identity> {
    let grant: ApiKeyGrant | null;
    try {
      grant = apiKeys ? await apiKeys.verify(key) : null;
    } catch (error) {
      if (!(error instanceof ApiKeyLookupError)) throw error;
      const failure = new AuthError('unavailable', 'Authentication is temporarily unavailable; retry shortly', 'apikey');
      failure.cause = error;
      throw failure;
    }
    if (!grant) throw new AuthError('invalid', INVALID_API_KEY, 'apikey');
    const identity = apiKeyIdentity(grant, requestId);
    grants.set(identity, grant);
    return identity;
  }

  async function authenticate(headers: PresentedHeaders, requestId: string): Promise<Identity> {
    let credentials;
    try {
      credentials = credentialsOf(headers);
    } catch (error) {
      if (error instanceof MalformedCredentialsError) throw new AuthError('malformed', error.message, error.credential);
      throw error;
    }
    if (credentials.kind === 'none') return { tenantId: null, userId: null, roles: [], requestId };
    if (credentials.kind === 'apikey') return verifyApiKey(credentials.key, requestId);
    const identity = toIdentity(await verifyToken(credentials.token), requestId);
    await options.onUserAuthenticated?.(identity);
    return identity;
  }

  return {
    verifyToken,
    authenticate,
    apiKeyOf: (identity) => grants.get(identity),
    identify: (authorization, requestId) => authenticate({ authorization }, requestId),
    forgetFacts: async (tenantId, userIds) => teamFacts?.forget(tenantId, userIds),
    observeUserStatus: (event) => deactivated.observe(event),
    httpError(error) {
      if (error.failure === 'unavailable') {
        options.logger.error({ err: error.cause }, `cannot verify ${error.credential === 'apikey' ? 'API keys: the platform is unavailable' : 'access tokens: signing keys unavailable'}`);
        return new HttpError(503, 'INTERNAL_SERVER_ERROR', error.message, { 'retry-after': '5' });
      }
      if (error.credential === 'apikey') {
        return new HttpError(401, 'UNAUTHENTICATED', error.message, {
          'www-authenticate': `Bearer error="invalid_token", error_description="${INVALID_API_KEY}"`,
        });
      }
      const description = error.failure === 'expired' ? 'The access token expired' : 'The access token is invalid';
      return new HttpError(401, 'UNAUTHENTICATED', error.message, {
        'www-authenticate': `Bearer error="invalid_token", error_description="${description}"`,
      });
    },
  };
}

function claimsOf(payload: JWTPayload): VerifiedToken {
  const { sub, exp, iat } = payload;
  const tid: unknown = payload['tid'];
  const roles: unknown = payload['roles'] ?? [];
  if (typeof sub !== 'string' || sub === '' || typeof tid !== 'string' || tid === '' || typeof exp !== 'number') {
    throw new AuthError('invalid', 'Access token is missing required claims');
  }
  if (!Array.isArray(roles) || !roles.every((role): role is string => typeof role === 'string')) {
    throw new AuthError('invalid', 'Access token has malformed roles');
  }
  return { tenantId: tid, userId: sub, roles, expiresAt: exp * 1000, issuedAt: typeof iat === 'number' ? iat * 1000 : 0, ...(isPartnerClientToken(payload) ? { clientId: sub } : {}) };
}

function toAuthError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof JwksUnavailableError) {
    const failure = new AuthError('unavailable', 'Authentication is temporarily unavailable; retry shortly');
    failure.cause = error.cause;
    return failure;
  }
  if (error instanceof joseErrors.JWTExpired) return new AuthError('expired', 'Access token has expired');
  if (error instanceof joseErrors.JOSEError) return new AuthError('invalid', 'Access token is invalid');
  return new AuthError('invalid', 'Access token is invalid');
}
