/**
 * The session's lifecycle with the OpenID Connect provider:
 *
 * - `beginSignIn` sends the browser to the provider's sign-in page (authorization code + PKCE,
 *   `state`, `nonce`; the request is kept in `sessionStorage` until the callback);
 * - `completeSignIn` (the `/auth/callback` route) checks the answer, exchanges the code, asks the
 *   API who signed in and starts the session;
 * - `useSessionRefresh` renews the access token with the rotating refresh token shortly before it
 *   expires; `refreshSession` does it at once (the API client calls it once on a 401 or a 4401),
 *   one refresh at a time, since a rotated refresh token presented twice revokes the whole grant;
 * - ending a session revokes its refresh token (the provider revokes the grant with it), and the
 *   next sign-in in this browser asks for the password again (`prompt=login`);
 * - `switchWorkspace` ends the session and signs in again with `prompt=login`, where the provider
 *   asks for the workspace when the email belongs to several.
 */
import { print } from 'graphql';
import { useEffect } from 'react';
import { graphqlHttpUrl } from '../environment.ts';
import { graphql } from '../gql';
import { currentSession, endSession, onSessionEnd, renewSession, startSession, type Session, type SessionTokens, type SessionUser } from '../session.ts';
import { createOidcClient, SignInRejectedError, type OidcClient } from './oidc-client.ts';
import { parsePendingSignIn, redirectUriFor, refreshDelayMs, refreshRetryDelayMs, safeReturnTo } from './oidc.ts';

export { SignInRejectedError } from './oidc-client.ts';

/** The authorization request waiting for its callback (this tab only). */
const PENDING_KEY = 'crm.oidc.pending';
/** Set when a session ends in this browser: the next sign-in asks for the password again. */
const PROMPT_LOGIN_KEY = 'crm.oidc.prompt-login';
/** Longest delay `setTimeout` accepts (about 24.8 days). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const SignedInUserQuery = graphql(`
  query SignedInUser {
    me {
      id
      name
      email
      role
    }
  }
`);

let client: OidcClient | undefined;

function oidc(): OidcClient {
  client ??= createOidcClient({
    providerUrl: new URL('/oidc', graphqlHttpUrl),
    redirectUri: redirectUriFor(window.location.origin),
  });
  return client;
}

/** Sends the browser to the provider's sign-in page; comes back to the current page. */
export async function beginSignIn(options: { switchWorkspace?: boolean } = {}): Promise<void> {
  const here = window.location.pathname + window.location.search + window.location.hash;
  const promptLogin = options.switchWorkspace === true || localStorage.getItem(PROMPT_LOGIN_KEY) !== null;
  const { url, pending } = await oidc().startSignIn({ returnTo: safeReturnTo(here), ...(promptLogin ? { prompt: 'login' as const } : {}) });
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  window.location.assign(url.toString());
}

async function signedInUser(tokens: SessionTokens): Promise<SessionUser> {
  const response = await fetch(graphqlHttpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${tokens.accessToken}` },
    body: JSON.stringify({ query: print(SignedInUserQuery), operationName: 'SignedInUser' }),
  });
  const body = (await response.json().catch(() => null)) as { data?: { me?: SessionUser | null } } | null;
  const me = body?.data?.me;
  if (!response.ok || !me) throw new Error('Signed in, but the API did not accept the sign-in. Please try again.');
  return me;
}

async function complete(): Promise<string> {
  const pending = parsePendingSignIn(sessionStorage.getItem(PENDING_KEY));
  sessionStorage.removeItem(PENDING_KEY);
  // Back at the callback of a finished sign-in (history, reload): nothing to do.
  if (!pending && currentSession()) return '/';
  if (!pending) throw new SignInRejectedError('This sign-in has expired or was already used. Please sign in again.', 'invalid_request');
  const tokens = await oidc().completeSignIn(new URL(window.location.href), pending);
  const user = await signedInUser(tokens);
  if (tokens.subject !== user.id) throw new SignInRejectedError('The sign-in does not match the signed-in user. Please sign in again.', 'invalid_response');
  localStorage.removeItem(PROMPT_LOGIN_KEY);
  startSession(tokens, user);
  return pending.returnTo;
}

let completing: Promise<string> | undefined;

/**
 * Finishes the sign-in at the callback URL and returns the app path to show. Runs once per page
 * load, however often it is called.
 */
export function completeSignIn(): Promise<string> {
  completing ??= complete();
  return completing;
}

export type RefreshOutcome = 'renewed' | 'ended' | 'unavailable';

/** Refresh tokens the provider refused: the session they belonged to is over, nothing to revoke. */
const refused = new Set<string>();

async function refresh(): Promise<RefreshOutcome> {
  const session = currentSession();
  if (!session) return 'ended';
  if (!session.refreshToken) {
    if (session.expiresAt <= Date.now()) endSession();
    return session.expiresAt <= Date.now() ? 'ended' : 'unavailable';
  }
  try {
    const tokens = await oidc().refresh(session.refreshToken);
    return renewSession(session.id, tokens) ? 'renewed' : 'ended';
  } catch (error) {
    if (!(error instanceof SignInRejectedError)) return 'unavailable';
    if (currentSession()?.id === session.id) {
      refused.add(session.refreshToken);
      endSession();
    }
    return 'ended';
  }
}

let refreshing: Promise<RefreshOutcome> | undefined;

/** Renews the access token now; one refresh at a time (callers share the one in flight). */
export function refreshSession(): Promise<RefreshOutcome> {
  refreshing ??= refresh().finally(() => (refreshing = undefined));
  return refreshing;
}

let revocation: Promise<void> = Promise.resolve();

onSessionEnd((ended: Session) => {
  localStorage.setItem(PROMPT_LOGIN_KEY, '1');
  const token = ended.refreshToken;
  if (!token || refused.has(token)) return;
  // Best effort: a refresh token that cannot be revoked now still dies with its grant's lifetime.
  revocation = oidc()
    .revoke(token)
    .catch(() => undefined);
});

/** Signs out and signs in again, to the same or another workspace (the provider asks for the password). */
export async function switchWorkspace(): Promise<void> {
  endSession();
  await revocation;
  await beginSignIn({ switchWorkspace: true });
}

/** Keeps the session's access token fresh: a refresh shortly before expiry, retried while the provider is unreachable. */
export function useSessionRefresh(session: Session | null): void {
  useEffect(() => {
    if (!session) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;
    const schedule = (delay: number) => {
      timer = setTimeout(() => void run(), Math.min(Math.max(delay, 0), MAX_TIMEOUT_MS));
    };
    const run = async () => {
      const outcome = await refreshSession();
      // `renewed` changes the session, which runs this effect again with the new expiry.
      if (outcome === 'unavailable' && !stopped) schedule(refreshRetryDelayMs(attempt++));
    };
    schedule(refreshDelayMs(session));
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [session]);
}
