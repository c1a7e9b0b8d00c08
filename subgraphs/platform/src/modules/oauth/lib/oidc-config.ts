/**
 * What the OpenID Connect provider is configured with: issuer, first-party clients and lifetimes.
 * Pure values and small functions; `services/oidc.ts` builds the provider from them.
 */
import { ACCESS_TOKEN } from '../../auth/lib/access-token.ts';

/** Where the provider is mounted on the platform's HTTP server (and forwarded by the gateway). */
export const OIDC_PATH = '/oidc';

/**
 * The one protected resource: the GraphQL API behind the gateway. Access tokens for it are JWTs
 * with audience `crm-api`, signed with the platform's Ed25519 keys, verified by the gateway like
 * the `login` mutation's tokens.
 */
export const API_RESOURCE = 'urn:crm:api';
/** The resource's OAuth scope: use the GraphQL API (what a token may do is its role's permissions). */
export const API_SCOPE = 'api';

/** First-party public clients: authorization code + PKCE, no client secret, no consent screen. */
export const FIRST_PARTY_CLIENTS = { web: 'crm-web', mobile: 'crm-mobile' } as const;

export const OIDC_TTL = {
  /** Access tokens: the same 15 minutes as sign-in tokens. */
  accessToken: ACCESS_TOKEN.ttlSeconds,
  authorizationCode: 60,
  idToken: 60 * 60,
  interaction: 10 * 60,
  /** Refresh tokens rotate on every use; each lives at most this long. */
  refreshToken: 14 * 24 * 60 * 60,
  grant: 30 * 24 * 60 * 60,
  session: 14 * 24 * 60 * 60,
} as const;

export interface OidcOptions {
  /**
   * The public issuer URL, e.g. `https://api.example.com/oidc` (the gateway forwards `/oidc/*` to
   * the platform). Default `http://localhost:4000/oidc`.
   */
  issuer?: string;
  /** Redirect URIs of the web app's client `crm-web`. Default `http://localhost:3000/oauth/callback`. */
  webRedirectUris?: string[];
  /** Redirect URIs of the mobile apps' client `crm-mobile` (custom scheme or loopback). Default `com.crm.mobile:/oauth/callback`. */
  mobileRedirectUris?: string[];
  /** Secret the provider's cookies are signed with (at least 32 characters). */
  cookieSecret: string;
  /** Sign-in attempts allowed per client address per 15 minutes on the login page. Default 100. */
  maxAttemptsPerAddress?: number;
}

export const OIDC_DEFAULTS = {
  issuer: 'http://localhost:4000/oidc',
  webRedirectUris: ['http://localhost:3000/oauth/callback'],
  mobileRedirectUris: ['com.crm.mobile:/oauth/callback'],
  maxAttemptsPerAddress: 100,
} as const;
