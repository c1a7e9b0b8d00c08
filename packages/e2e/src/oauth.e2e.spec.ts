/**
 * OAuth 2.0 / OpenID Connect through the public edge (the gateway forwards `/oidc/*` to the
 * platform's provider) on real PostgreSQL, Redis and Kafka:
 *
 * - authorization code + PKCE for the first-party web client: the sign-in form is driven with
 *   fetch, redirects are followed by hand, the code is exchanged, and the access token is used on
 *   GraphQL through the gateway;
 * - client credentials for a partner client created by a tenant admin, with its role enforced;
 * - refresh token rotation and reuse detection (a reused refresh token revokes its whole grant);
 * - a deactivated user's refresh token is refused at once;
 * - discovery and JWKS at the public URL; bad requests get OAuth error JSON, never a 5xx.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createTenantWithUsers, gql, gqlOk, startRealStack } from '@crm/testkit';

let stack: Stack;
let issuer: string;
let tenant: Awaited<ReturnType<typeof createTenantWithUsers>>;

const WEB_CLIENT = 'crm-web';
const WEB_REDIRECT = 'http://localhost:3000/oauth/callback';

beforeAll(async () => {
  stack = await startRealStack();
  issuer = `${new URL(stack.gatewayUrl).origin}/oidc`;
  const slug = `oidc-${randomUUID().slice(0, 8)}`;
  tenant = await createTenantWithUsers(stack, { name: 'OIDC Inc', slug }, [
    { email: `admin@${slug}.test`, name: 'OIDC Admin', role: 'TENANT_ADMIN', password: `pw-${randomUUID()}` },
    { email: `rep@${slug}.test`, name: 'OIDC Rep', role: 'SALES_REP', password: `pw-${randomUUID()}` },
    { email: `leaver@${slug}.test`, name: 'OIDC Leaver', role: 'SALES_REP', password: `pw-${randomUUID()}` },
  ]);
});
afterAll(async () => {
  await stack?.stop();
});

/** A minimal cookie jar: name -> value, from `set-cookie` answers. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** A GET or POST that does not follow redirects, sending and collecting cookies. */
async function step(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header() } });
  jar.take(response);
  return response;
}

const absolute = (location: string | null) => new URL(location ?? '', issuer).toString();

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

interface TokenAnswer {
  status: number;
  body: Record<string, unknown> & { access_token?: string; refresh_token?: string; id_token?: string; expires_in?: number; error?: string };
  contentType: string;
}

async function tokenRequest(params: Record<string, string>, headers: Record<string, string> = {}): Promise<TokenAnswer> {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params),
  });
  return { status: response.status, body: (await response.json()) as TokenAnswer['body'], contentType: response.headers.get('content-type') ?? '' };
}

/** Runs the browser part of the authorization code flow; returns the code (and the PKCE verifier). */
async function authorize(user: { email: string; password: string }, options: { wrongPasswordFirst?: boolean } = {}) {
  const jar = new CookieJar();
  const { verifier, challenge } = pkce();
  const state = randomUUID();
  const query = new URLSearchParams({
    client_id: WEB_CLIENT,
    redirect_uri: WEB_REDIRECT,
    response_type: 'code',
    scope: 'openid offline_access api',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
  });
  const start = await step(jar, `${issuer}/auth?${query}`);
  expect(start.status).toBe(303);
  const interaction = absolute(start.headers.get('location'));
  expect(interaction).toMatch(/\/oidc\/interaction\/[\w-]+$/);

  const page = await step(jar, interaction);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('name="password"');
  const action = absolute(/action="([^"]+)"/.exec(html)![1]!);

  if (options.wrongPasswordFirst) {
    const refused = await step(jar, action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: user.email, password: 'not-the-password' }).toString(),
    });
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain('Invalid email or password');
  }

  const signedIn = await step(jar, action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: user.email, password: user.password }).toString(),
  });
  expect(signedIn.status).toBe(303);
  let location = absolute(signedIn.headers.get('location'));
  // Back to the provider, which redirects to the app with the code (no consent for first-party apps).
  for (let hops = 0; hops < 5 && !location.startsWith(WEB_REDIRECT); hops++) {
    const next = await step(jar, location);
    if (next.status !== 302 && next.status !== 303) throw new Error(`${location} answered ${next.status}: ${await next.text()}`);
    location = absolute(next.headers.get('location'));
  }
  const callback = new URL(location);
  expect(`${callback.origin}${callback.pathname}`).toBe(WEB_REDIRECT);
  expect(callback.searchParams.get('state')).toBe(state);
  expect(callback.searchParams.get('iss')).toBe(issuer);
  const code = callback.searchParams.get('code');
  expect(code).toEqual(expect.any(String));
  return { code: code!, verifier };
}

async function exchange(code: string, verifier: string): Promise<TokenAnswer> {
  return tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: WEB_REDIRECT, client_id: WEB_CLIENT, code_verifier: verifier });
}

async function signIn(user: { email: string; password: string }) {
  const { code, verifier } = await authorize(user);
  const answer = await exchange(code, verifier);
  expect(answer.status).toBe(200);
  return answer.body;
}

const refresh = (refreshToken: string) => tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: WEB_CLIENT });

const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}` });

const ME = /* GraphQL */ `{ me { id email role } }`;
const CREATE_CLIENT = /* GraphQL */ `
  mutation ($input: CreateOAuthClientInput!) { createOAuthClient(input: $input) { clientId clientSecret client { id name role active } } }
`;

describe('OpenID Connect through the gateway', () => {
  it('serves discovery and the key set at the public URL, with the same keys as the platform', async () => {
    const response = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const discovery = (await response.json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      code_challenge_methods_supported: ['S256'],
    });
    expect(discovery['grant_types_supported']).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']));
    expect(discovery['id_token_signing_alg_values_supported']).toEqual(['EdDSA']);

    const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
      expect(key).not.toHaveProperty('d');
    }
    const platformJwks = (await (await fetch(`http://127.0.0.1:${stack.subgraphs.platform.port}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((key) => key['kid']).sort()).toEqual(platformJwks.keys.map((key) => key.kid).sort());
  });

  it('signs a user in with authorization code + PKCE; the access token works on GraphQL', async () => {
    const rep = tenant.users[1]!;
    const { code, verifier } = await authorize(rep, { wrongPasswordFirst: true });
    const answer = await exchange(code, verifier);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token_type: 'Bearer', scope: expect.stringContaining('api') });
    expect(answer.body.expires_in).toBeLessThanOrEqual(15 * 60);
    expect(answer.body.refresh_token).toEqual(expect.any(String));
    expect(answer.body.id_token).toEqual(expect.any(String));

    const accessToken = answer.body.access_token!;
    expect(decodeProtectedHeader(accessToken)).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
    const claims = decodeJwt(accessToken);
    expect(claims).toMatchObject({ iss: issuer, aud: 'crm-api', sub: rep.id, tid: tenant.tenantId, roles: ['SALES_REP'], client_id: WEB_CLIENT });
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(15 * 60);
    expect(decodeJwt(answer.body.id_token!)).toMatchObject({ iss: issuer, aud: WEB_CLIENT, sub: rep.id });

    const me = await gqlOk<{ me: { id: string; email: string; role: string } }>(stack.gatewayUrl, ME, {}, { token: accessToken });
    expect(me.me).toEqual({ id: rep.id, email: rep.email, role: 'SALES_REP' });
    // The role holds: a Sales Rep may not list OAuth clients.
    const forbidden = await gql(stack.gatewayUrl, '{ oauthClients { id } }', {}, { token: accessToken });
    expect(forbidden.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');

    // A code is single-use.
    const again = await exchange(code, verifier);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
  });

  it('rotates refresh tokens; a reused refresh token revokes the whole grant', async () => {
    const first = await signIn(tenant.users[0]!);
    const rotated = await refresh(first.refresh_token!);
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).toEqual(expect.any(String));
    expect(rotated.body.refresh_token).not.toBe(first.refresh_token);
    await gqlOk(stack.gatewayUrl, ME, {}, { token: rotated.body.access_token! });

    const reuse = await refresh(first.refresh_token!);
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');
    // The token issued by the rotation belongs to the revoked grant: it stops working too.
    const afterReuse = await refresh(rotated.body.refresh_token!);
    expect(afterReuse.status).toBe(400);
    expect(afterReuse.body.error).toBe('invalid_grant');
  });

  it('refuses refresh at once for a deactivated user', async () => {
    const leaver = tenant.users[2]!;
    const tokens = await signIn(leaver);
    expect((await refresh(tokens.refresh_token!)).status).toBe(200);
    const stillValid = await signIn(leaver);

    await gqlOk(stack.gatewayUrl, 'mutation ($id: ID!) { deactivateUser(id: $id) { id active } }', { id: leaver.id }, { token: tenant.users[0]!.token });
    const refused = await refresh(stillValid.refresh_token!);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');
  });

  it('gives partner clients tokens with the client credentials grant, acting with their role', async () => {
    const admin = tenant.users[0]!;
    const asRep = await gqlOk<{ createOAuthClient: { clientId: string; clientSecret: string; client: { id: string; role: string; active: boolean } } }>(
      stack.gatewayUrl,
      CREATE_CLIENT,
      { input: { name: 'Warehouse sync', role: 'SALES_REP' } },
      { token: admin.token },
    );
    const rep = asRep.createOAuthClient;
    expect(rep.client).toMatchObject({ id: rep.clientId, role: 'SALES_REP', active: true });

    const repToken = await tokenRequest({ grant_type: 'client_credentials', scope: 'api' }, basic(rep.clientId, rep.clientSecret));
    expect(repToken.status).toBe(200);
    expect(repToken.body.refresh_token).toBeUndefined();
    expect(repToken.body.expires_in).toBeLessThanOrEqual(15 * 60);
    expect(decodeJwt(repToken.body.access_token!)).toMatchObject({ iss: issuer, aud: 'crm-api', sub: rep.clientId, tid: tenant.tenantId, roles: ['SALES_REP'], actor: 'client' });
    // A Sales Rep client: no user behind it, and no admin rights.
    const repMe = await gqlOk<{ me: unknown }>(stack.gatewayUrl, ME, {}, { token: repToken.body.access_token! });
    expect(repMe.me).toBeNull();
    const repForbidden = await gql(stack.gatewayUrl, '{ oauthClients { id } }', {}, { token: repToken.body.access_token! });
    expect(repForbidden.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');

    const asAdmin = await gqlOk<{ createOAuthClient: { clientId: string; clientSecret: string } }>(
      stack.gatewayUrl,
      CREATE_CLIENT,
      { input: { name: 'Admin integration', role: 'TENANT_ADMIN' } },
      { token: admin.token },
    );
    const adminClient = asAdmin.createOAuthClient;
    const adminToken = await tokenRequest({ grant_type: 'client_credentials' }, basic(adminClient.clientId, adminClient.clientSecret));
    expect(adminToken.status).toBe(200);
    const listed = await gqlOk<{ oauthClients: Array<{ id: string; name: string }> }>(stack.gatewayUrl, '{ oauthClients { id name } }', {}, { token: adminToken.body.access_token! });
    expect(listed.oauthClients.map((client) => client.id)).toEqual([adminClient.clientId, rep.clientId]);

    // Revoked: no more tokens.
    await gqlOk(stack.gatewayUrl, 'mutation ($id: ID!) { revokeOAuthClient(id: $id) { id active } }', { id: rep.clientId }, { token: admin.token });
    const revoked = await tokenRequest({ grant_type: 'client_credentials' }, basic(rep.clientId, rep.clientSecret));
    expect(revoked.status).toBe(401);
    expect(revoked.body.error).toBe('invalid_client');
  });

  it('answers browsers cross-origin only from the origins of the client\'s redirect URIs', async () => {
    const tokenFrom = (origin: string) =>
      fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', client_id: WEB_CLIENT, refresh_token: 'not-a-token' }),
      });
    const own = await tokenFrom(new URL(WEB_REDIRECT).origin);
    expect(own.headers.get('access-control-allow-origin')).toBe(new URL(WEB_REDIRECT).origin);
    expect(((await own.json()) as { error: string }).error).toBe('invalid_grant');
    const foreign = await tokenFrom('https://evil.example');
    expect(foreign.status).toBe(400);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await foreign.json()) as { error_description: string }).error_description).toMatch(/origin https:\/\/evil\.example not allowed/);
  });

  it('refuses bad requests with OAuth error JSON, never a 5xx', async () => {
    const admin = tenant.users[0]!;
    // Wrong PKCE verifier.
    const { code } = await authorize(tenant.users[1]!);
    const wrongVerifier = await exchange(code, pkce().verifier);
    expect(wrongVerifier.status).toBe(400);
    expect(wrongVerifier.body.error).toBe('invalid_grant');
    expect(wrongVerifier.contentType).toContain('application/json');

    // Wrong secret, unknown client, client id that is not even a UUID.
    const created = await gqlOk<{ createOAuthClient: { clientId: string; clientSecret: string } }>(
      stack.gatewayUrl,
      CREATE_CLIENT,
      { input: { name: 'Wrong secret', role: 'SALES_REP' } },
      { token: admin.token },
    );
    const wrongSecret = await tokenRequest({ grant_type: 'client_credentials' }, basic(created.createOAuthClient.clientId, `${created.createOAuthClient.clientSecret}x`));
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.error).toBe('invalid_client');
    for (const id of [randomUUID(), 'not-a-client']) {
      const unknown = await tokenRequest({ grant_type: 'client_credentials' }, basic(id, 'whatever'));
      expect(unknown.status).toBe(401);
      expect(unknown.body.error).toBe('invalid_client');
    }

    // First-party public clients may not use client credentials; unknown grant types and garbage.
    const publicClient = await tokenRequest({ grant_type: 'client_credentials', client_id: WEB_CLIENT });
    expect(publicClient.status).toBe(400);
    expect(publicClient.body.error).toEqual(expect.stringMatching(/^(unauthorized_client|invalid_grant|invalid_request)$/));
    const unknownGrant = await tokenRequest({ grant_type: 'password', client_id: WEB_CLIENT, username: 'a', password: 'b' });
    expect(unknownGrant.status).toBe(400);
    expect(unknownGrant.body.error).toBe('unsupported_grant_type');
    const badRefresh = await refresh('not-a-refresh-token');
    expect(badRefresh.status).toBe(400);
    expect(badRefresh.body.error).toBe('invalid_grant');

    // An authorization request without PKCE, or with an unregistered redirect URI.
    const noPkce = await fetch(`${issuer}/auth?${new URLSearchParams({ client_id: WEB_CLIENT, redirect_uri: WEB_REDIRECT, response_type: 'code', scope: 'openid' })}`, { redirect: 'manual' });
    expect(noPkce.status).toBe(303);
    expect(new URL(noPkce.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    const badRedirect = await fetch(`${issuer}/auth?${new URLSearchParams({ client_id: WEB_CLIENT, redirect_uri: 'https://evil.example/cb', response_type: 'code', scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' })}`, { redirect: 'manual' });
    expect(badRedirect.status).toBe(400);

    // A made-up interaction, and a login form posted without the interaction's cookies.
    const stale = await fetch(`${issuer}/interaction/does-not-exist`);
    expect(stale.status).toBe(400);
    const noCookies = await fetch(`${issuer}/interaction/does-not-exist/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=a%40b.c&password=x' });
    expect(noCookies.status).toBe(400);
  });
});
