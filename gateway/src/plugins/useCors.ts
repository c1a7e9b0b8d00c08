/**
 * Cross-origin access to the API: the deployment's global allowlist (`corsOrigins`: exact
 * `scheme://host[:port]`, or `*` for any) plus each tenant's own allowlist (`setCorsOrigins` on the
 * platform), looked up through `tenantOrigins`. Everyone else is same-origin only, the default.
 *
 * How the tenant is known: a preflight (`OPTIONS`) carries no credentials and no header values, so
 * it is answered for the union of all tenants' lists (204 when the global list or any tenant lists
 * the origin, 403 otherwise; cached, see `tenant-settings.ts`). The request that follows carries
 * its token or API key: once authenticated, an origin that only tenants allow must be on the
 * caller's own tenant's list (`checkTenant`), else the request is refused with 403 FORBIDDEN before
 * anything runs, and without CORS headers. Anonymous requests (sign-in) from such an origin pass.
 * Not on `/oidc/*`: the sign-in provider's pages and endpoints work with its session cookies and
 * anyone can create a tenant and list an origin, so only the global list reaches them (the provider
 * answers its own CORS for the origins of its clients' redirect URIs).
 * The same holds for the other browser routes: BI queries, CSV imports and exports (their credential
 * names the tenant) and attachment uploads and downloads (their signed token or URL names it).
 * Origins in no list get no
 * CORS headers and are not refused here (same-origin proxies forward their own `Origin`); the
 * browser then keeps the response from the page, and CSRF prevention (Apollo's, on) still refuses
 * simple cross-site requests.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { ErrorCode, HttpError, type Identity } from '@crm/runtime';

export interface TenantOrigins {
  /** Whether any tenant lists the origin (preflights). */
  allowedByAnyTenant(origin: string): Promise<boolean>;
  /** Whether this tenant lists the origin. */
  allowedForTenant(tenantId: string, origin: string): Promise<boolean>;
}

export interface CorsOptions {
  /** Origins allowed to call the API from a browser, for every tenant. Default none (same origin only). */
  corsOrigins?: string[];
  /** Tenants' own allowlists. Default none (the global list only). */
  tenantOrigins?: TenantOrigins;
  /** How long browsers may cache a preflight, seconds. Default 600. */
  maxAgeSeconds?: number;
}

const ALLOWED_HEADERS = 'authorization, content-type, x-request-id, x-api-key, apollo-require-preflight, x-apollo-operation-name, apollographql-client-name, apollographql-client-version';
const EXPOSED_HEADERS = 'x-request-id, retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset, ratelimit-policy, etag, content-disposition';

/** The OpenID Connect provider's paths, forwarded to the platform (cookie sessions: tenants' lists never apply). */
const isSignInProvider = (url: string | undefined) => url === '/oidc' || !!url?.startsWith('/oidc/');

export function useCors(options: CorsOptions = {}) {
  const origins = new Set(options.corsOrigins ?? []);
  const allowed = (origin: string | undefined): origin is string => !!origin && (origins.has('*') || origins.has(origin));
  const maxAge = String(options.maxAgeSeconds ?? 600);
  const { tenantOrigins } = options;
  /** Requests whose origin only tenants allow: the caller's tenant must list it. */
  const tenantScoped = new WeakMap<IncomingMessage, { origin: string; res: ServerResponse }>();

  const preflight = (res: ServerResponse, origin: string | undefined, ok: boolean) => {
    if (!ok || !origin) {
      res.writeHead(403, { vary: 'Origin', 'content-length': 0 });
      return res.end();
    }
    res.writeHead(204, {
      vary: 'Origin',
      'access-control-allow-origin': origin,
      // PUT: attachment uploads (`/files/uploads/<token>`)
      'access-control-allow-methods': 'GET, POST, PUT, OPTIONS',
      'access-control-allow-headers': ALLOWED_HEADERS,
      'access-control-allow-credentials': 'true',
      'access-control-max-age': maxAge,
      'content-length': 0,
    });
    return res.end();
  };

  const allowHeaders = (res: ServerResponse, origin: string) => {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-credentials', 'true');
    res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
  };

  return {
    allowed,
    /** Wraps a handler: answers preflights, adds CORS headers for allowed origins. */
    wrap(handler: RequestListener): RequestListener {
      return (req: IncomingMessage, res: ServerResponse) => {
        const origin = req.headers.origin;
        const global = allowed(origin);
        if (req.method !== 'OPTIONS') res.setHeader('vary', 'Origin');
        if (global || !origin || !tenantOrigins || isSignInProvider(req.url)) {
          if (req.method === 'OPTIONS') return preflight(res, origin, global);
          if (global) allowHeaders(res, origin);
          return handler(req, res);
        }
        tenantOrigins.allowedByAnyTenant(origin).then(
          (byTenant) => {
            if (req.method === 'OPTIONS') return preflight(res, origin, byTenant);
            if (byTenant) {
              tenantScoped.set(req, { origin, res });
              allowHeaders(res, origin);
            }
            return handler(req, res);
          },
          () => (req.method === 'OPTIONS' ? preflight(res, origin, false) : handler(req, res)),
        );
      };
    },
    /**
     * After authentication: refuses (403 FORBIDDEN, the CORS headers taken back) a request whose
     * origin is allowed only by tenants, when the caller's tenant does not list it.
     */
    async checkTenant(req: IncomingMessage, identity: Pick<Identity, 'tenantId'>): Promise<void> {
      const scoped = tenantScoped.get(req);
      if (!scoped || !identity.tenantId || !tenantOrigins) return;
      const { origin, res } = scoped;
      if (await tenantOrigins.allowedForTenant(identity.tenantId, origin)) return;
      if (!res.headersSent) for (const name of ['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-expose-headers']) res.removeHeader(name);
      throw new HttpError(403, ErrorCode.FORBIDDEN, `Origin ${origin} is not allowed for this tenant`);
    },
  };
}
