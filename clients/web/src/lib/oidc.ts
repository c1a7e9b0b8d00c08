/**
 * Sign-in with the platform's OpenID Connect provider: the pure parts. What the app sends (client,
 * scopes, callback path), the authorization request it keeps across the redirect to the provider
 * (`state`, `nonce`, PKCE verifier, where to return) and when a session's access token is
 * refreshed. The requests themselves are in `oidc-client.ts`, the session's lifecycle in
 * `oidc-session.ts`.
 */

/** The first-party web client registered with the provider (public, PKCE required). */
export const OIDC_CLIENT_ID = 'crm-web';
/** `openid email` for the ID token, `offline_access` for a refresh token, `api` for the GraphQL API. */
export const OIDC_SCOPE = 'openid email offline_access api';
/** The app's route the provider redirects back to with the code. */
export const CALLBACK_PATH = '/auth/callback';
/** An authorization request older than this is not completed (the provider's own limit is 10 minutes). */
export const PENDING_SIGN_IN_TTL_MS = 10 * 60 * 1000;
/** Longest margin before expiry at which a token is refreshed. */
export const REFRESH_MARGIN_MS = 60 * 1000;

/** What the app remembers between sending the user to the provider and the callback. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Path of the app to show after sign-in. */
  returnTo: string;
  /** Epoch milliseconds. */
  createdAt: number;
}

/**
 * A path of this app that is safe to return to after sign-in: same-origin and absolute
 * (`/contacts/42?x#y`), never the callback itself; anything else gives `/`.
 */
export function safeReturnTo(path: string | null | undefined): string {
  if (!path || !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return '/';
  const pathname = path.split(/[?#]/)[0]!;
  return pathname === CALLBACK_PATH ? '/' : path;
}

/** The pending sign-in as stored, or null when missing, malformed or too old. */
export function parsePendingSignIn(raw: string | null, now: number = Date.now()): PendingSignIn | null {
  if (!raw) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const strings = ['state', 'nonce', 'codeVerifier', 'returnTo'] as const;
  if (!strings.every((key) => typeof v[key] === 'string' && v[key] !== '')) return null;
  if (typeof v['createdAt'] !== 'number' || now - v['createdAt'] > PENDING_SIGN_IN_TTL_MS || v['createdAt'] > now + 60_000) return null;
  return {
    state: v['state'] as string,
    nonce: v['nonce'] as string,
    codeVerifier: v['codeVerifier'] as string,
    returnTo: safeReturnTo(v['returnTo'] as string),
    createdAt: v['createdAt'],
  };
}

export interface AuthorizationRequest {
  authorizationEndpoint: string;
  redirectUri: string;
  state: string;
  nonce: string;
  codeChallenge: string;
  /** `login` makes the provider ask for the password even when it has a session (switching workspace, after sign-out). */
  prompt?: 'login';
}

/** The URL the browser is sent to: authorization code with PKCE (S256), `state` and `nonce`. */
export function authorizationUrl(request: AuthorizationRequest): URL {
  const url = new URL(request.authorizationEndpoint);
  url.searchParams.set('client_id', OIDC_CLIENT_ID);
  url.searchParams.set('redirect_uri', request.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', OIDC_SCOPE);
  url.searchParams.set('code_challenge', request.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', request.state);
  url.searchParams.set('nonce', request.nonce);
  if (request.prompt) url.searchParams.set('prompt', request.prompt);
  return url;
}

/** The callback URL of the app at an origin. */
export function redirectUriFor(origin: string): string {
  return new URL(CALLBACK_PATH, origin).toString();
}

/**
 * Milliseconds until a token should be refreshed: shortly before it expires (a minute, or a
 * quarter of its lifetime when that is shorter), at once when that moment has passed.
 */
export function refreshDelayMs(token: { issuedAt: number; expiresAt: number }, now: number = Date.now()): number {
  const lifetime = Math.max(0, token.expiresAt - token.issuedAt);
  const margin = Math.min(REFRESH_MARGIN_MS, lifetime / 4);
  return Math.max(0, Math.round(token.expiresAt - margin - now));
}

/** How long to wait before trying a refresh again after the provider could not be reached. */
export function refreshRetryDelayMs(attempt: number): number {
  return Math.min(1000 * 2 ** attempt, 30_000);
}
