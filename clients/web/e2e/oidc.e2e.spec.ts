/**
 * Signing in to the web app with the platform's OpenID Connect provider, in a real browser against
 * the whole product on real PostgreSQL, Kafka and Redis: the "Sign in" button, the provider's page,
 * the code exchanged at `/auth/callback` and back to the page the person asked for; the access
 * token renewed with the rotating refresh token before it expires and after the API refused it;
 * sign-out revoking the refresh token (an old session put back no longer gets in); and a person in
 * two workspaces switching from one to the other.
 */
import { randomUUID } from 'node:crypto';
import { createAccount, createTenantWithUsers, eventually, gqlOk } from '@crm/testkit';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { signInThroughProvider, submitProviderSignIn } from './browser.ts';
import { webAppSuite } from './suite.ts';

const DESKTOP = { width: 1280, height: 860 };

const suite = webAppSuite('oidc');

interface StoredSession {
  id: string;
  accessToken: string;
  refreshToken?: string;
  issuedAt: number;
  expiresAt: number;
  user: { id: string; name: string };
}


async function storedSession(page: Page): Promise<StoredSession | null> {
  const raw = await page.evaluate<string | null>("sessionStorage.getItem('crm.session')");
  return raw ? (JSON.parse(raw) as StoredSession) : null;
}

async function putSession(page: Page, session: StoredSession): Promise<void> {
  await page.evaluate(`sessionStorage.setItem('crm.session', ${JSON.stringify(JSON.stringify(session))})`);
}

/** The token endpoint as the app reaches it (its own origin), with a refresh token. */
async function refreshAtProvider(refreshToken: string): Promise<{ status: number; error?: string }> {
  const response = await fetch(new URL('/oidc/token', suite.web.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'crm-web' }),
  });
  const body = (await response.json()) as { error?: string };
  return { status: response.status, ...(body.error ? { error: body.error } : {}) };
}

async function seed(users: Array<{ name: string; role: 'TENANT_ADMIN' | 'SALES_MANAGER' | 'SALES_REP' }>, email?: string) {
  const slug = `oidc-web-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const created = await createTenantWithUsers(
    suite.stack,
    { name: `OIDC ${slug}`, slug },
    users.map((user, index) => ({ email: email ?? `user${index}@${slug}.test`, name: user.name, role: user.role, password })),
  );
  return { ...created, password };
}

describe('web sign-in with OpenID Connect', () => {
  it('signs in on the provider page and comes back to the page asked for, then renews the token before expiry and after a 401', async () => {
    const ws = await seed([{ name: 'Olive Oidc', role: 'TENANT_ADMIN' }]);
    const user = ws.users[0]!;
    await createAccount(suite.stack.gatewayUrl, user.token, { name: 'Initrode', domain: `initrode-${ws.slug}.example` });
    const { page, problems } = await suite.open(DESKTOP);

    // A deep link while signed out: the sign-in screen, the provider's page, back on that page.
    await page.goto(new URL('/accounts', suite.web.url).toString());
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await signInThroughProvider(page, new URL('/accounts', suite.web.url).toString(), user.email, ws.password, ws.slug);
    await page.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Initrode', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/accounts');
    expect(await page.getByText('Olive Oidc').count()).toBeGreaterThan(0);
    const first = (await storedSession(page))!;
    expect(first.user.id).toBe(user.id);
    expect(first.refreshToken).toEqual(expect.any(String));
    expect(first.expiresAt - first.issuedAt).toBe(15 * 60_000);
    // The token is the provider's (RFC 9068 JWT) and the API takes it.
    const me = await gqlOk<{ me: { id: string } }>(suite.stack.gatewayUrl, '{ me { id } }', {}, { token: first.accessToken });
    expect(me.me.id).toBe(user.id);

    // Shortly before expiry the app renews the token with the refresh token, keeping the session.
    await putSession(page, { ...first, issuedAt: Date.now() - 14 * 60_000 - 55_000, expiresAt: Date.now() + 5_000 });
    await page.reload();
    const renewed = await eventually(async () => {
      const now = await storedSession(page);
      return now && now.accessToken !== first.accessToken ? now : null;
    }, 20_000, 200);
    expect(renewed.id).toBe(first.id);
    expect(renewed.refreshToken).toEqual(expect.any(String));
    expect(renewed.refreshToken).not.toBe(first.refreshToken);
    expect(renewed.expiresAt - Date.now()).toBeGreaterThan(14 * 60_000);
    await page.getByRole('link', { name: 'Initrode', exact: true }).waitFor();

    // A token the API refuses (401): the app refreshes once and the request goes through.
    await putSession(page, { ...renewed, accessToken: 'not-a-token' });
    await page.reload();
    await page.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Initrode', exact: true }).waitFor();
    const afterRefusal = (await storedSession(page))!;
    expect(afterRefusal.id).toBe(first.id);
    expect(afterRefusal.accessToken).not.toBe('not-a-token');
    expect(afterRefusal.refreshToken).not.toBe(renewed.refreshToken);
    expect(problems.filter((problem) => !/401|Unauthorized/i.test(problem))).toEqual([]);
  }, 180_000);

  it('signs out: the refresh token is revoked, an old session put back does not get in, and the provider asks for the password again', async () => {
    const ws = await seed([{ name: 'Sid Signout', role: 'SALES_REP' }]);
    const user = ws.users[0]!;
    const { page } = await suite.open(DESKTOP);
    await signInThroughProvider(page, suite.web.url, user.email, ws.password, ws.slug);
    await page.getByRole('heading', { name: 'Deals', level: 1 }).waitFor();
    const before = (await storedSession(page))!;

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await storedSession(page)).toBeNull();
    // The provider revoked the refresh token (and the grant behind it).
    await eventually(async () => (await refreshAtProvider(before.refreshToken!)).error === 'invalid_grant', 10_000, 200);

    // The old session put back, its access token expired: the refresh is refused and the app shows the sign-in screen.
    await putSession(page, { ...before, expiresAt: Date.now() - 1_000 });
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await eventually(async () => (await storedSession(page)) === null, 10_000, 200);
    expect(await page.getByRole('navigation', { name: 'Sections' }).count()).toBe(0);

    // Signing in again in this browser asks for the password (prompt=login), even though the provider knows the browser.
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/oidc/interaction/'));
    await page.getByLabel('Password').waitFor();
  }, 120_000);

  it('switches workspace for a person in two workspaces', async () => {
    const email = `both-${randomUUID().slice(0, 8)}@example.test`;
    const alpha = await seed([{ name: 'Wanda in Alpha', role: 'TENANT_ADMIN' }], email);
    const beta = await seed([{ name: 'Wanda in Beta', role: 'SALES_REP' }], email);
    const { page } = await suite.open(DESKTOP);

    // The provider asks which workspace: Alpha.
    await signInThroughProvider(page, suite.web.url, email, alpha.password, alpha.slug);
    await page.getByRole('heading', { name: 'Deals', level: 1 }).waitFor();
    await page.getByText('Wanda in Alpha').waitFor();
    const inAlpha = (await storedSession(page))!;
    expect(inAlpha.user.id).toBe(alpha.users[0]!.id);

    // Switch workspace: back to the provider, which asks for the password and the workspace again.
    await page.getByRole('button', { name: 'Switch workspace' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/oidc/interaction/'));
    expect(await submitProviderSignIn(page, email, beta.password, beta.slug)).toBeNull();
    await page.waitForURL((url) => url.origin === new URL(suite.web.url).origin && !url.pathname.startsWith('/oidc/') && url.pathname !== '/auth/callback');
    await page.getByText('Wanda in Beta').waitFor();
    const inBeta = (await storedSession(page))!;
    expect(inBeta.user.id).toBe(beta.users[0]!.id);
    expect(inBeta.id).not.toBe(inAlpha.id);
    expect(await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings' }).count()).toBe(0);
    // Alpha's refresh token went with the switch.
    await eventually(async () => (await refreshAtProvider(inAlpha.refreshToken!)).error === 'invalid_grant', 10_000, 200);
  }, 120_000);
});
