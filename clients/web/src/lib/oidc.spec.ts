import { describe, expect, it } from 'vitest';
import {
  authorizationUrl,
  CALLBACK_PATH,
  OIDC_CLIENT_ID,
  OIDC_SCOPE,
  parsePendingSignIn,
  PENDING_SIGN_IN_TTL_MS,
  redirectUriFor,
  refreshDelayMs,
  refreshRetryDelayMs,
  safeReturnTo,
} from './oidc.ts';
import { parseRoute, pathOf } from './route.ts';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const pending = { state: 's-1', nonce: 'n-1', codeVerifier: 'v'.repeat(43), returnTo: '/contacts/42', createdAt: NOW - 1000 };

describe('authorizationUrl', () => {
  it('asks for a code with PKCE S256, state, nonce and the app scopes', () => {
    const url = authorizationUrl({
      authorizationEndpoint: 'http://127.0.0.1:3000/oidc/auth',
      redirectUri: 'http://127.0.0.1:3000/auth/callback',
      state: 's-1',
      nonce: 'n-1',
      codeChallenge: 'challenge',
    });
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:3000/oidc/auth');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: OIDC_CLIENT_ID,
      redirect_uri: 'http://127.0.0.1:3000/auth/callback',
      response_type: 'code',
      scope: OIDC_SCOPE,
      code_challenge: 'challenge',
      code_challenge_method: 'S256',
      state: 's-1',
      nonce: 'n-1',
    });
    expect(OIDC_SCOPE.split(' ')).toEqual(expect.arrayContaining(['openid', 'offline_access', 'api']));
  });

  it('adds prompt=login when the provider must ask for the password again', () => {
    const url = authorizationUrl({ authorizationEndpoint: 'https://crm.example/oidc/auth', redirectUri: 'https://crm.example/auth/callback', state: 's', nonce: 'n', codeChallenge: 'c', prompt: 'login' });
    expect(url.searchParams.get('prompt')).toBe('login');
  });

  it('builds the callback URL of an origin, which is a route of the app', () => {
    expect(redirectUriFor('https://crm.example')).toBe(`https://crm.example${CALLBACK_PATH}`);
    expect(parseRoute(CALLBACK_PATH)).toEqual({ screen: 'auth-callback' });
    expect(pathOf({ screen: 'auth-callback' })).toBe(CALLBACK_PATH);
  });
});

describe('parsePendingSignIn', () => {
  it('reads back what was stored', () => {
    expect(parsePendingSignIn(JSON.stringify(pending), NOW)).toEqual(pending);
  });

  it('refuses a missing, malformed, incomplete or expired request', () => {
    expect(parsePendingSignIn(null, NOW)).toBeNull();
    expect(parsePendingSignIn('{not json', NOW)).toBeNull();
    expect(parsePendingSignIn('"a string"', NOW)).toBeNull();
    expect(parsePendingSignIn(JSON.stringify({ ...pending, state: '' }), NOW)).toBeNull();
    expect(parsePendingSignIn(JSON.stringify({ ...pending, nonce: undefined }), NOW)).toBeNull();
    expect(parsePendingSignIn(JSON.stringify({ ...pending, createdAt: '1' }), NOW)).toBeNull();
    expect(parsePendingSignIn(JSON.stringify({ ...pending, createdAt: NOW - PENDING_SIGN_IN_TTL_MS - 1 }), NOW)).toBeNull();
    expect(parsePendingSignIn(JSON.stringify({ ...pending, createdAt: NOW + 10 * 60_000 }), NOW)).toBeNull();
  });

  it('never returns to another origin', () => {
    expect(parsePendingSignIn(JSON.stringify({ ...pending, returnTo: 'https://evil.example/' }), NOW)?.returnTo).toBe('/');
  });
});

describe('safeReturnTo', () => {
  it('keeps paths of the app', () => {
    expect(safeReturnTo('/deals/7?tab=lines#top')).toBe('/deals/7?tab=lines#top');
    expect(safeReturnTo('/')).toBe('/');
  });

  it('turns other origins, protocol-relative URLs and the callback into /', () => {
    for (const path of ['https://evil.example/x', '//evil.example/x', '/\\evil.example', 'contacts', '', null, undefined, '/auth/callback?code=1']) {
      expect(safeReturnTo(path)).toBe('/');
    }
  });
});

describe('refreshDelayMs', () => {
  const fifteenMinutes = 15 * 60_000;

  it('refreshes a minute before a 15-minute token expires', () => {
    expect(refreshDelayMs({ issuedAt: NOW, expiresAt: NOW + fifteenMinutes }, NOW)).toBe(14 * 60_000);
    expect(refreshDelayMs({ issuedAt: NOW, expiresAt: NOW + fifteenMinutes }, NOW + 10 * 60_000)).toBe(4 * 60_000);
  });

  it('keeps a quarter of a short lifetime as the margin', () => {
    expect(refreshDelayMs({ issuedAt: NOW, expiresAt: NOW + 40_000 }, NOW)).toBe(30_000);
  });

  it('refreshes at once when the moment has passed or the token has expired', () => {
    expect(refreshDelayMs({ issuedAt: NOW, expiresAt: NOW + fifteenMinutes }, NOW + 14.5 * 60_000)).toBe(0);
    expect(refreshDelayMs({ issuedAt: NOW - fifteenMinutes * 2, expiresAt: NOW - fifteenMinutes }, NOW)).toBe(0);
    expect(refreshDelayMs({ issuedAt: NOW, expiresAt: NOW }, NOW)).toBe(0);
  });
});

describe('refreshRetryDelayMs', () => {
  it('backs off from one second to at most 30 seconds', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map(refreshRetryDelayMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });
});
