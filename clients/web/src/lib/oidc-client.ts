/**
 * The requests of the OpenID Connect flow, made with `oauth4webapi` (a small, maintained,
 * certified client): discovery, the authorization request, the code exchange (PKCE verifier,
 * `state` and ID token `nonce` checked), the refresh grant and revocation.
 *
 * The provider's endpoints are reached through the app's own origin (`<origin>/oidc`, forwarded to
 * the gateway and on to the platform), so the browser never leaves one origin for the API and the
 * provider's cookies belong to it. The discovery document is fetched there; the issuer it names
 * (the gateway's public URL) is the one its ID tokens must carry.
 */
import * as oauth from 'oauth4webapi';
import { authorizationUrl, OIDC_CLIENT_ID, type PendingSignIn } from './oidc.ts';

export interface TokenSet {
  accessToken: string;
  tokenType: string;
  /** Lifetime of the access token, seconds. */
  expiresIn: number;
  refreshToken?: string;
  idToken?: string;
  /** The ID token's `sub` (checked by the library: issuer, audience, `nonce`, times). */
  subject?: string;
}

/** The provider refused a grant (`invalid_grant` and friends): the session cannot go on. */
export class SignInRejectedError extends Error {
  constructor(
    message: string,
    readonly error: string,
  ) {
    super(message);
    this.name = 'SignInRejectedError';
  }
}

export interface OidcClientOptions {
  /** Where the provider is reachable, e.g. `http://localhost:3000/oidc`. */
  providerUrl: URL;
  /** The app's callback URL registered for `crm-web`. */
  redirectUri: string;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
}

export interface OidcClient {
  /** A new authorization request: where to send the browser and what to keep until the callback. */
  startSignIn(options: { returnTo: string; prompt?: 'login' }): Promise<{ url: URL; pending: PendingSignIn }>;
  /** Checks the callback URL against the pending request and exchanges the code for tokens. */
  completeSignIn(callbackUrl: URL, pending: PendingSignIn): Promise<TokenSet>;
  /** The refresh grant (the provider rotates the refresh token: keep the new one). */
  refresh(refreshToken: string): Promise<TokenSet>;
  /** Revokes a refresh token (and with it the grant behind it). */
  revoke(refreshToken: string): Promise<void>;
}

const client: oauth.Client = { client_id: OIDC_CLIENT_ID };

function tokenSetOf(response: oauth.TokenEndpointResponse): TokenSet {
  const subject = oauth.getValidatedIdTokenClaims(response)?.sub;
  return {
    ...(subject ? { subject } : {}),
    accessToken: response.access_token,
    tokenType: response.token_type === 'bearer' ? 'Bearer' : response.token_type,
    expiresIn: response.expires_in ?? 0,
    ...(response.refresh_token ? { refreshToken: response.refresh_token } : {}),
    ...(response.id_token ? { idToken: response.id_token } : {}),
  };
}

/** Turns the provider's OAuth error answers into {@link SignInRejectedError}; anything else (network) passes. */
function rejection(error: unknown): unknown {
  if (error instanceof oauth.ResponseBodyError) return new SignInRejectedError(error.error_description ?? error.error, error.error);
  if (error instanceof oauth.AuthorizationResponseError) return new SignInRejectedError(error.error_description ?? error.error, error.error);
  if (error instanceof oauth.OperationProcessingError) return new SignInRejectedError(error.message, 'invalid_response');
  return error;
}

export function createOidcClient(options: OidcClientOptions): OidcClient {
  const http = {
    [oauth.allowInsecureRequests]: options.providerUrl.protocol === 'http:',
    ...(options.fetch ? { [oauth.customFetch]: options.fetch } : {}),
  };
  let server: Promise<oauth.AuthorizationServer> | undefined;

  function discover(): Promise<oauth.AuthorizationServer> {
    server ??= (async () => {
      const response = await oauth.discoveryRequest(options.providerUrl, { ...http, algorithm: 'oidc' });
      // Served by the app's own origin: the issuer it names is the one to expect.
      const { issuer } = (await response.clone().json()) as { issuer?: unknown };
      if (typeof issuer !== 'string') throw new SignInRejectedError('The sign-in service sent no issuer', 'invalid_response');
      return oauth.processDiscoveryResponse(new URL(issuer), response);
    })().catch((error: unknown) => {
      server = undefined;
      throw error;
    });
    return server;
  }

  async function call<T>(run: (as: oauth.AuthorizationServer) => Promise<T>): Promise<T> {
    const as = await discover();
    try {
      return await run(as);
    } catch (error) {
      throw rejection(error);
    }
  }

  return {
    async startSignIn({ returnTo, prompt }) {
      const as = await discover();
      if (!as.authorization_endpoint) throw new SignInRejectedError('The sign-in service has no authorization endpoint', 'invalid_response');
      const codeVerifier = oauth.generateRandomCodeVerifier();
      const pending: PendingSignIn = {
        state: oauth.generateRandomState(),
        nonce: oauth.generateRandomNonce(),
        codeVerifier,
        returnTo,
        createdAt: Date.now(),
      };
      const url = authorizationUrl({
        authorizationEndpoint: as.authorization_endpoint,
        redirectUri: options.redirectUri,
        state: pending.state,
        nonce: pending.nonce,
        codeChallenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
        ...(prompt ? { prompt } : {}),
      });
      return { url, pending };
    },
    completeSignIn(callbackUrl, pending) {
      return call(async (as) => {
        const params = oauth.validateAuthResponse(as, client, callbackUrl, pending.state);
        const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, options.redirectUri, pending.codeVerifier, http);
        return tokenSetOf(await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: pending.nonce, requireIdToken: true }));
      });
    },
    refresh(refreshToken) {
      return call(async (as) => {
        const response = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshToken, http);
        return tokenSetOf(await oauth.processRefreshTokenResponse(as, client, response));
      });
    },
    revoke(refreshToken) {
      return call(async (as) => {
        const response = await oauth.revocationRequest(as, client, oauth.None(), refreshToken, { ...http, additionalParameters: { token_type_hint: 'refresh_token' } });
        await oauth.processRevocationResponse(response);
      });
    },
  };
}
