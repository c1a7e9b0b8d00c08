/**
 * OAuth 2.0 / OpenID Connect on the platform, with `oidc-provider` (a certified implementation):
 *
 * - authorization code with PKCE (S256) for the first-party public clients `crm-web` and
 *   `crm-mobile`; they get no consent screen (`loadExistingGrant` grants what they ask for);
 * - client credentials for partner clients (`OAuthClient`, created by tenant admins);
 * - refresh tokens that rotate on every use; presenting a consumed refresh token revokes its whole
 *   grant (the library's reuse detection), and refresh is refused at once for a deactivated user
 *   (`findAccount` finds no account);
 * - access tokens: JWTs (RFC 9068) for the resource `urn:crm:api`, audience `crm-api`, 15 minutes,
 *   signed with the platform's active Ed25519 key, with the claims the gateway reads (`sub` user id,
 *   `tid` tenant, `roles`; partner tokens carry `actor: "client"` and `sub` = the client id);
 * - discovery at `<issuer>/.well-known/openid-configuration`, keys at `<issuer>/jwks`.
 *
 * The provider is rebuilt when the platform's signing keys change (rotation), so it always signs
 * with the active key and publishes every key still in use. All its state lives in PostgreSQL
 * (`OidcPayload`), so a rebuild, a restart or another replica loses nothing.
 */
import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { errors, type Account, type AdapterPayload, type ClientMetadata, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import { ACCESS_TOKEN } from '../../auth/lib/access-token.ts';
import type { SigningKeyStore } from '../../auth/services/signing-keys.ts';
import { clientSecretMatches } from '../lib/client-secret.ts';
import { API_RESOURCE, API_SCOPE, FIRST_PARTY_CLIENTS, OIDC_DEFAULTS, OIDC_PATH, OIDC_TTL, type OidcOptions } from '../lib/oidc-config.ts';
import { createPostgresAdapter } from '../lib/postgres-adapter.ts';
import type { OAuthClientService } from './oauth-clients.ts';
import { isUuid } from '@crm/runtime';
import { formOriginsOf } from '../lib/form-origin.ts';

/** How long the key material is reused before checking for a rotation. */
const KEY_CHECK_MS = 30_000;

/** The facts an access token carries about a user (`platform_find_oauth_account`). */
export interface OAuthAccount {
  id: string;
  tenantId: string;
  role: string;
  email: string;
  active: boolean;
}

export interface OidcServiceDeps {
  prisma: PrismaClient;
  signingKeys: Pick<SigningKeyStore, 'material'>;
  clients: Pick<OAuthClientService, 'find'>;
  options: OidcOptions;
  logger: Logger;
  clock?: () => Date;
}

export interface OidcService {
  /** The public issuer URL. */
  readonly issuer: string;
  /** Origins the sign-in form may be posted from (the issuer's and the first-party clients'). */
  readonly formOrigins: readonly string[];
  /** The provider for the current signing keys. */
  provider(): Promise<Provider>;
  /** Forgets the cached key material (after a rotation on this replica). */
  refreshKeys(): void;
  /** Hands a request under `/oidc` to the provider (the prefix is stripped). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** The user behind an account id, or null (also for ids that are not UUIDs). */
  findAccount(accountId: string): Promise<OAuthAccount | null>;
}

/** Scopes a client may ask for; `api` is also the scope of the API resource. */
const SCOPES = ['openid', 'offline_access', 'email', API_SCOPE];


export function createOidcService({ prisma, signingKeys, clients, options, logger, clock = () => new Date() }: OidcServiceDeps): OidcService {
  const issuer = (options.issuer ?? OIDC_DEFAULTS.issuer).replace(/\/+$/, '');
  const cookieKey = createHmac('sha256', options.cookieSecret).update('crm-oidc-cookies').digest('base64url');

  async function findAccount(accountId: string): Promise<OAuthAccount | null> {
    if (!isUuid(accountId)) return null;
    const rows = await prisma.$queryRaw<OAuthAccount[]>`
      SELECT "id"::text AS "id", "tenantId"::text AS "tenantId", "role", "email", "active"
      FROM platform_find_oauth_account(${accountId}::uuid)`;
    return rows[0] ?? null;
  }

  async function partnerClientMetadata(clientId: string): Promise<AdapterPayload | undefined> {
    const client = await clients.find(clientId);
    if (!client || client.revoked) return undefined;
    return {
      client_id: client.id,
      // The digest, never the secret: `compareClientSecret` below hashes what is presented.
      client_secret: client.secretHash,
      client_name: `partner ${client.id}`,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: API_SCOPE,
    };
  }

  const firstPartyClients: ClientMetadata[] = [
    {
      client_id: FIRST_PARTY_CLIENTS.web,
      client_name: 'CRM',
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: options.webRedirectUris ?? [...OIDC_DEFAULTS.webRedirectUris],
    },
    {
      client_id: FIRST_PARTY_CLIENTS.mobile,
      client_name: 'CRM mobile',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: options.mobileRedirectUris ?? [...OIDC_DEFAULTS.mobileRedirectUris],
    },
  ];
  const isFirstParty = (clientId: string) => firstPartyClients.some((client) => client.client_id === clientId);

  const Adapter = createPostgresAdapter({ prisma, clock, findClient: partnerClientMetadata });

  function build(activeKid: string, privateJwks: Awaited<ReturnType<SigningKeyStore['material']>>['privateJwks']): Provider {
    const configuration: Configuration = {
      adapter: Adapter,
      clients: firstPartyClients,
      clientDefaults: { id_token_signed_response_alg: 'EdDSA', grant_types: ['authorization_code'], response_types: ['code'] },
      enabledJWA: { idTokenSigningAlgValues: ['EdDSA'], userinfoSigningAlgValues: ['EdDSA'] },
      jwks: { keys: privateJwks as NonNullable<Configuration['jwks']>['keys'] },
      // HttpOnly and SameSite=Lax (the library's defaults, stated so they stay): the interaction
      // cookie that binds the sign-in form to its browser is never sent on a cross-site POST.
      cookies: { keys: [cookieKey], long: { httpOnly: true, sameSite: 'lax' }, short: { httpOnly: true, sameSite: 'lax' } },
      // Browsers may call the token, revocation and userinfo endpoints cross-origin only from the
      // origins of the client's own redirect URIs (the web app; partners call from their servers).
      clientBasedCORS: (_ctx, origin, client) => originOfRedirects(client.redirectUris, origin),
      scopes: SCOPES,
      claims: { openid: ['sub'], email: ['email'], tenant: ['tid'] },
      pkce: { required: () => true },
      rotateRefreshToken: true,
      // First-party apps keep users signed in: a refresh token whenever the client may refresh.
      issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
      ttl: {
        AccessToken: OIDC_TTL.accessToken,
        ClientCredentials: OIDC_TTL.accessToken,
        AuthorizationCode: OIDC_TTL.authorizationCode,
        IdToken: OIDC_TTL.idToken,
        Interaction: OIDC_TTL.interaction,
        RefreshToken: OIDC_TTL.refreshToken,
        Grant: OIDC_TTL.grant,
        Session: OIDC_TTL.session,
      },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        revocation: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => API_RESOURCE,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx, resourceIndicator) => {
            if (resourceIndicator !== API_RESOURCE) throw new errors.InvalidTarget();
            return {
              scope: API_SCOPE,
              audience: ACCESS_TOKEN.audience,
              accessTokenTTL: OIDC_TTL.accessToken,
              accessTokenFormat: 'jwt',
              jwt: { sign: { alg: 'EdDSA', kid: activeKid } },
            };
          },
        },
      },
      interactions: { url: (_ctx, interaction) => `${OIDC_PATH}/interaction/${interaction.uid}` },
      async findAccount(_ctx, sub): Promise<Account | undefined> {
        const account = await findAccount(sub);
        // A deactivated user has no account here: their refresh tokens and sessions stop at once.
        if (!account?.active) return undefined;
        return { accountId: account.id, claims: () => ({ sub: account.id, email: account.email, tid: account.tenantId }) };
      },
      async extraTokenClaims(_ctx, token) {
        if (token.kind === 'ClientCredentials') {
          const client = token.clientId ? await clients.find(token.clientId) : null;
          if (!client || client.revoked) throw new errors.InvalidClient('client is revoked');
          return { tid: client.tenantId, roles: [client.role], actor: 'client' };
        }
        const account = token.accountId ? await findAccount(token.accountId) : null;
        if (!account?.active) throw new errors.InvalidGrant('account is deactivated');
        return { tid: account.tenantId, roles: [account.role], email: account.email };
      },
      async loadExistingGrant(ctx: KoaContextWithOIDC) {
        const { oidc } = ctx;
        const clientId = oidc.client?.clientId;
        const accountId = oidc.session?.accountId;
        if (!clientId || !accountId) return undefined;
        const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(clientId);
        if (grantId) {
          const existing = await oidc.provider.Grant.find(grantId);
          if (existing) return existing;
        }
        if (!isFirstParty(clientId)) return undefined;
        // First-party apps: what they ask for is granted without a consent screen.
        const grant = new oidc.provider.Grant({ clientId, accountId });
        const requested = String(oidc.params?.['scope'] ?? '');
        const oidcScopes = requested.split(' ').filter((scope) => SCOPES.includes(scope));
        if (oidcScopes.length) grant.addOIDCScope(oidcScopes.join(' '));
        grant.addResourceScope(API_RESOURCE, API_SCOPE);
        await grant.save();
        return grant;
      },
      renderError: (ctx, out) => {
        ctx.type = 'html';
        const safe = (value: unknown) => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
        ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head><body><h1>${safe(out.error)}</h1><p>${safe(out.error_description)}</p></body></html>`;
      },
    };
    const provider = new Provider(issuer, configuration);
    provider.proxy = true;
    // Partner secrets are stored as SHA-256 digests; compare what is presented with the digest.
    provider.Client.prototype.compareClientSecret = function compareClientSecret(this: { clientSecret?: string }, actual: string) {
      return typeof this.clientSecret === 'string' && clientSecretMatches(this.clientSecret, actual);
    } as never;
    provider.on('server_error', (_ctx, error) => logger.error({ err: error }, 'OpenID Connect provider error'));
    provider.on('grant.revoked', (_ctx, grantId) => logger.info({ grantId }, 'OAuth grant revoked'));
    return provider;
  }

  interface Built {
    signature: string;
    provider: Provider;
    callback: ReturnType<Provider['callback']>;
    checkedAt: number;
  }
  let current: Built | undefined;
  let pending: Promise<Built> | undefined;

  async function load(): Promise<Built> {
    const material = await signingKeys.material();
    const signature = `${material.activeKid}|${material.privateJwks.map((key) => key.kid).join(',')}`;
    if (current?.signature === signature) {
      current.checkedAt = Date.now();
      return current;
    }
    const provider = build(material.activeKid, material.privateJwks);
    current = { signature, provider, callback: provider.callback(), checkedAt: Date.now() };
    logger.info({ activeKid: material.activeKid }, 'OpenID Connect provider ready');
    return current;
  }

  function built(): Promise<Built> {
    if (current && Date.now() - current.checkedAt < KEY_CHECK_MS) return Promise.resolve(current);
    pending ??= load().finally(() => (pending = undefined));
    return pending;
  }

  return {
    issuer,
    formOrigins: formOriginsOf(issuer, firstPartyClients.flatMap((client) => client.redirect_uris ?? [])),
    provider: async () => (await built()).provider,
    refreshKeys() {
      if (current) current.checkedAt = 0;
    },
    async handle(req, res) {
      const { callback } = await built();
      // Mounted like Express would: the provider reads its mount path from `originalUrl`.
      const original = req.url ?? '/';
      const rest = original.slice(OIDC_PATH.length);
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = original;
      req.url = rest.startsWith('/') ? rest : `/${rest}`;
      await new Promise<void>((resolve) => {
        res.once('finish', resolve);
        res.once('close', resolve);
        void callback(req, res);
      });
    },
    findAccount,
  };
}

/** Whether `origin` is the origin of one of a client's redirect URIs. */
function originOfRedirects(redirectUris: readonly string[] | undefined, origin: string): boolean {
  return (redirectUris ?? []).some((uri) => URL.canParse(uri) && new URL(uri).origin === origin);
}
