/**
 * Login CSRF defence of the sign-in form, on top of what the provider already does.
 *
 * The provider binds each sign-in step (interaction) to the browser that started it: the form's
 * URL carries the interaction's uid, and its signed `_interaction` cookie (HttpOnly,
 * SameSite=Lax, scoped to the interaction's path) must name the same uid, or the POST is refused.
 * A Lax cookie is not sent on a cross-site POST, so another site cannot submit the form in the
 * victim's browser. As a second, independent check, a form POST must also come from one of our
 * own pages: a browser that says the request is cross-site (`Sec-Fetch-Site`), or names another
 * origin (`Origin`), is refused before the password is even looked at.
 */
import type { IncomingHttpHeaders } from 'node:http';

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The origins our sign-in page is served from: the issuer's and the first-party clients' (the web app forwards `/oidc/*`). */
export function formOriginsOf(issuer: string, redirectUris: readonly string[]): string[] {
  const origins = new Set<string>();
  for (const uri of [issuer, ...redirectUris]) {
    if (!URL.canParse(uri)) continue;
    const { origin, protocol } = new URL(uri);
    if (protocol === 'http:' || protocol === 'https:') origins.add(origin);
  }
  return [...origins];
}

/**
 * Whether a form POST may be handled: not marked cross-site by the browser, and its `Origin` (when
 * the browser sends one) one of `origins` or the origin of the host it was sent to. `Origin: null`
 * is what browsers send for our own page, which asks for no referrer; requests without the headers
 * (older browsers, scripts) are left to the interaction cookie.
 */
export function isOwnFormSubmission(headers: IncomingHttpHeaders, origins: readonly string[]): boolean {
  const site = header(headers, 'sec-fetch-site')?.toLowerCase();
  if (site === 'cross-site') return false;
  const origin = header(headers, 'origin');
  if (origin === undefined || origin === 'null') return true;
  if (origins.includes(origin)) return true;
  const host = header(headers, 'x-forwarded-host') ?? header(headers, 'host');
  if (!host || !URL.canParse(origin)) return false;
  return new URL(origin).host === host;
}
