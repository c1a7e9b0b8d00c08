/**
 * OpenID Connect at the edge. The platform runs the provider (issuer `<public url>/oidc`); the
 * gateway is the public host, so it forwards `/oidc/*` to the platform untouched (the sign-in
 * page, discovery, `token`, `jwks`, …), and it accepts the provider's access tokens next to the
 * `login` mutation's: both are signed with the platform's keys and verified with the same JWKS.
 *
 * Claims of an OpenID Connect access token (RFC 9068, audience `crm-api`): `sub` user id, `tid`
 * tenant, `roles`. A partner client's token (client credentials) carries `actor: "client"`, and
 * its `sub` is the client id: the gateway forwards it like an API key (no user; rate-limited per
 * client), since both are partner credentials acting with one role in one tenant.
 */
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Logger } from '@crm/runtime';

/** Where the provider is mounted, on the platform and on the gateway. */
export const OIDC_PATH = '/oidc';
/** `actor` claim of tokens issued to partner clients (client credentials grant). */
export const PARTNER_CLIENT_ACTOR = 'client';

/** Whether a verified token's claims say it was issued to a partner client rather than a user. */
export function isPartnerClientToken(payload: Record<string, unknown>): boolean {
  return payload['actor'] === PARTNER_CLIENT_ACTOR;
}

/** The issuer the platform's provider uses when it runs behind this gateway: `<origin>/oidc`. */
export function oidcIssuerOf(publicUrl: string): string {
  return new URL(OIDC_PATH, publicUrl).toString();
}

export interface OidcProxyOptions {
  /** The platform's origin, e.g. `http://platform:4001`. */
  upstream: string;
  logger: Logger;
  /** Timeout of one forwarded request, ms. Default 10 000. */
  timeoutMs?: number;
}

/** Headers that describe one hop and are not forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'x-crm-identity']);

/**
 * A route for `/oidc` and `/oidc/*`: forwards the request to the platform and streams the answer
 * back. `x-forwarded-for` is replaced by the caller's address (the platform throttles sign-in per
 * address), `x-forwarded-host` is set to the host the caller used. Returns false for other paths.
 */
export function createOidcProxy(options: OidcProxyOptions) {
  const upstream = new URL(options.upstream);
  const send = upstream.protocol === 'https:' ? httpsRequest : request;
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path !== OIDC_PATH && !path.startsWith(`${OIDC_PATH}/`)) return false;
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    headers['host'] = upstream.host;
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? 'unknown';
    if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
    if (!req.headers['x-forwarded-proto']) headers['x-forwarded-proto'] = 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';

    await new Promise<void>((resolve) => {
      const outgoing = send(
        { protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, timeout: options.timeoutMs ?? 10_000 },
        (answer) => {
          const back: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(answer.headers)) {
            if (value !== undefined && !HOP_BY_HOP.has(name)) back[name] = value;
          }
          res.writeHead(answer.statusCode ?? 502, back);
          answer.pipe(res);
          answer.on('end', resolve);
          answer.on('error', () => {
            res.destroy();
            resolve();
          });
        },
      );
      const fail = (error: Error) => {
        options.logger.warn({ err: error }, 'OpenID Connect provider unreachable');
        if (!res.headersSent) {
          const body = JSON.stringify({ error: 'temporarily_unavailable', error_description: 'Sign-in is unavailable right now; retry shortly' });
          res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '5', 'content-length': Buffer.byteLength(body) });
          res.end(body);
        } else res.destroy();
        resolve();
      };
      outgoing.on('timeout', () => outgoing.destroy(new Error('OpenID Connect provider timed out')));
      outgoing.on('error', fail);
      req.pipe(outgoing);
    });
    return true;
  };
}
