/**
 * Everything under `/oidc` on the platform's HTTP server: the sign-in page of the authorization
 * code flow (`/oidc/interaction/<uid>`, GET shows the form, POST `/login` checks it) and the
 * provider's own endpoints (discovery, `auth`, `token`, `jwks`, `token/revocation`, `me`, …).
 *
 * The sign-in form reuses the platform's password check and per-account throttle (`login` of the
 * auth service); attempts are also throttled per client address. The gateway forwards `/oidc/*`
 * and sets `x-forwarded-for` to the caller's address (it replaces any value the caller sent).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Logger } from '@crm/runtime';
import type { AuthService } from '../../auth/services/auth.ts';
import type { LoginThrottle } from '../../auth/services/login-throttle.ts';
import type { OidcService } from '../services/oidc.ts';
import { OIDC_PATH } from './oidc-config.ts';
import { renderLoginPage } from './login-page.ts';
import { isOwnFormSubmission } from './form-origin.ts';

/** Largest sign-in form accepted, bytes. */
const MAX_FORM_BYTES = 8 * 1024;
const INTERACTION = /^\/oidc\/interaction\/([A-Za-z0-9_-]{1,64})(\/login)?$/;

export interface OidcRouteDeps {
  oidc: OidcService;
  auth: Pick<AuthService, 'login'>;
  /** Attempts per client address (keyed `ip:<address>`). */
  addressThrottle: LoginThrottle;
  logger: Logger;
}

/** The caller's address: the last hop the gateway added, else the socket's peer. */
export function clientAddress(req: IncomingMessage): string {
  const forwarded = req.headers['x-forwarded-for'];
  const value = Array.isArray(forwarded) ? forwarded.at(-1) : forwarded;
  const last = value?.split(',').at(-1)?.trim();
  return last || req.socket.remoteAddress || 'unknown';
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
    ...headers,
  });
  res.end(html);
}

function sendError(res: ServerResponse, status: number, message: string): void {
  sendHtml(res, status, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in</title></head><body><p>${message}</p></body></html>`);
}

export function createOidcRoute({ oidc, auth, addressThrottle, logger }: OidcRouteDeps) {
  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, submit: boolean): Promise<void> {
    const provider = await oidc.provider();
    let details;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      sendError(res, 400, 'This sign-in link has expired. Go back to the application and start again.');
      return;
    }
    if (details.uid !== uid || details.prompt.name !== 'login') {
      logger.warn({ prompt: details.prompt }, 'unexpected OpenID Connect interaction');
      sendError(res, 400, 'This sign-in step is not available. Go back to the application and start again.');
      return;
    }
    const client = await provider.Client.find(String(details.params['client_id'] ?? ''));
    const page = { action: `${OIDC_PATH}/interaction/${uid}/login`, clientName: client?.clientName ?? 'CRM' };

    if (!submit) {
      sendHtml(res, 200, renderLoginPage(page));
      return;
    }
    if (req.method !== 'POST') {
      sendHtml(res, 405, renderLoginPage({ ...page, error: 'Submit the form to sign in' }), { allow: 'POST' });
      return;
    }
    if (!isOwnFormSubmission(req.headers, oidc.formOrigins)) {
      logger.warn({ origin: req.headers.origin, site: req.headers['sec-fetch-site'] }, 'sign-in form posted from another site refused');
      sendError(res, 403, 'This sign-in form was sent from another site. Go back to the application and start again.');
      return;
    }
    const form = await readForm(req);
    if (!form) {
      sendHtml(res, 400, renderLoginPage({ ...page, error: 'Submit the form to sign in' }));
      return;
    }
    const email = form.get('email') ?? '';
    const tenantSlug = form.get('tenant') || null;
    const shown = { ...page, email, askTenant: tenantSlug !== null, tenantSlug: tenantSlug ?? '' };
    try {
      const addressKey = `ip:${clientAddress(req)}`;
      await addressThrottle.attempt(addressKey);
      const session = await auth.login({ email, password: form.get('password') ?? '', tenantSlug });
      // Only refused attempts count against an address (people behind one proxy sign in all day).
      await addressThrottle.forgive(addressKey);
      logger.info({ userId: session.user.id, tenantId: session.user.tenantId, clientId: details.params['client_id'] }, 'user signed in (OpenID Connect)');
      await provider.interactionFinished(req, res, { login: { accountId: session.user.id } }, { mergeWithLastSubmission: false });
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      const code = error.extensions['code'];
      if (code === 'BAD_USER_INPUT' && error.extensions['field'] === 'tenantSlug') {
        sendHtml(res, 400, renderLoginPage({ ...shown, askTenant: true, error: 'This email belongs to several workspaces: enter the one to sign in to.' }));
      } else if (code === 'RATE_LIMITED') {
        const retryAfter = Number(error.extensions['retryAfterSeconds'] ?? 60);
        sendHtml(res, 429, renderLoginPage({ ...shown, error: 'Too many sign-in attempts; try again later.' }), { 'retry-after': String(retryAfter) });
      } else if (code === 'BAD_USER_INPUT') {
        sendHtml(res, 400, renderLoginPage({ ...shown, error: 'Enter your email and password.' }));
      } else {
        sendHtml(res, 401, renderLoginPage({ ...shown, error: error.message }));
      }
    }
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== OIDC_PATH && !path.startsWith(`${OIDC_PATH}/`)) return false;
    try {
      const match = INTERACTION.exec(path);
      if (match) await interaction(req, res, match[1]!, match[2] !== undefined);
      else await oidc.handle(req, res);
    } catch (error) {
      logger.error({ err: error, path }, 'OpenID Connect request failed');
      if (!res.headersSent) sendError(res, 500, 'Sign-in is unavailable right now; try again shortly.');
      else res.end();
    }
    return true;
  };
}
