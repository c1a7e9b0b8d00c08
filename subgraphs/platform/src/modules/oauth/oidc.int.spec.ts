/**
 * The OpenID Connect provider's storage and sign-in page on real PostgreSQL (scratch database):
 * the adapter's lookups, consumption, grant revocation and expiry; the sign-in form throttled per
 * client address as well as per account; partner clients visible only in their tenant.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessBus } from '@crm/events';
import { createLogger } from '@crm/runtime';
import { forTenant } from '@crm/db';
import { createPlatformSubgraph, type PlatformSubgraph } from '../../index.ts';
import { createScratchDatabase, seedTenant, TEST_PASSWORD, TEST_SIGNING_SECRET, type ScratchDatabase } from '../../test-support.ts';
import { createPostgresAdapter } from './lib/postgres-adapter.ts';
import { createOidcService } from './services/oidc.ts';
import { createSigningKeyStore, ROTATION_LEAD_MS } from '../auth/services/signing-keys.ts';

const ISSUER = 'http://issuer.test/oidc';
let scratch: ScratchDatabase;
let platform: PlatformSubgraph;
let url: string;
const bus = createInProcessBus();

beforeAll(async () => {
  scratch = await createScratchDatabase();
  platform = await createPlatformSubgraph({
    database: scratch.database,
    bus,
    signingSecret: TEST_SIGNING_SECRET,
    logger: createLogger('oidc-test', 'silent'),
    oidc: { issuer: ISSUER, maxAttemptsPerAddress: 3 },
  });
  url = (await platform.start(0)).url;
});
afterAll(async () => {
  await platform?.stop();
  await bus.close();
  await scratch?.drop();
});

describe('PostgreSQL adapter', () => {
  it('finds live rows by id, uid and user code; consumes; revokes a grant; hides expired rows', async () => {
    let now = Date.now();
    const Adapter = createPostgresAdapter({ prisma: platform.prisma, clock: () => new Date(now) });
    const sessions = new Adapter('Session');
    const tokens = new Adapter('RefreshToken');
    const codes = new Adapter('DeviceCode');
    const grantId = randomUUID();

    await sessions.upsert('s1', { uid: 'uid-1', accountId: 'a' }, 60);
    expect(await sessions.find('s1')).toMatchObject({ uid: 'uid-1', accountId: 'a' });
    expect(await sessions.findByUid('uid-1')).toMatchObject({ accountId: 'a' });
    expect(await tokens.find('s1')).toBeUndefined(); // ids are per model

    await tokens.upsert('rt1', { grantId, accountId: 'a' }, 60);
    await tokens.upsert('rt2', { grantId, accountId: 'a' }, 60);
    await codes.upsert('dc1', { grantId: randomUUID(), userCode: 'ABCD-EFGH' }, 60);
    expect(await codes.findByUserCode('ABCD-EFGH')).toMatchObject({ userCode: 'ABCD-EFGH' });

    await tokens.consume('rt1');
    expect((await tokens.find('rt1'))?.consumed).toEqual(expect.any(Number));
    expect((await tokens.find('rt2'))?.consumed).toBeUndefined();

    await tokens.revokeByGrantId(grantId);
    expect(await tokens.find('rt1')).toBeUndefined();
    expect(await tokens.find('rt2')).toBeUndefined();
    expect(await codes.findByUserCode('ABCD-EFGH')).toBeDefined();

    // Upsert replaces; expiry hides the row.
    await sessions.upsert('s1', { uid: 'uid-1', accountId: 'b' }, 60);
    expect(await sessions.find('s1')).toMatchObject({ accountId: 'b' });
    now += 61_000;
    expect(await sessions.find('s1')).toBeUndefined();
    expect(await sessions.findByUid('uid-1')).toBeUndefined();
    await sessions.destroy('s1');
  });
});

/** Starts an authorization request; returns the interaction's form action and its cookies. */
async function startSignIn(): Promise<{ action: string; cookie: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: 'crm-web',
    redirect_uri: 'http://localhost:3000/oauth/callback',
    response_type: 'code',
    scope: 'openid api',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const start = await fetch(`${url}/oidc/auth?${query}`, { redirect: 'manual' });
  expect(start.status).toBe(303);
  const cookie = start.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  const interaction = new URL(start.headers.get('location')!, url).pathname;
  return { action: `${url}${interaction}/login`, cookie };
}

const post = (action: string, cookie: string, form: Record<string, string>, address: string) =>
  fetch(action, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': address },
    body: new URLSearchParams(form).toString(),
  });

describe('sign-in page', () => {
  it('throttles attempts per client address, whichever accounts they try', async () => {
    const { action, cookie } = await startSignIn();
    for (let i = 0; i < 3; i++) {
      const refused = await post(action, cookie, { email: `nobody-${i}@example.com`, password: 'wrong password' }, '10.0.0.1');
      expect(refused.status).toBe(401);
    }
    const throttled = await post(action, cookie, { email: 'someone-else@example.com', password: 'wrong password' }, '10.0.0.1');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await throttled.text()).toContain('Too many sign-in attempts');
    // Another address is not affected.
    expect((await post(action, cookie, { email: 'nobody@example.com', password: 'wrong password' }, '10.0.0.2')).status).toBe(401);
  });

  it('asks for the workspace when the email belongs to several tenants, then signs in', async () => {
    const first = await seedTenant(platform);
    const other = await platform.services.tenants.create({ name: 'Other', slug: `o-${randomUUID().slice(0, 8)}` });
    await platform.services.users.create(other.id, { email: first.rep.email, name: 'Twin', password: TEST_PASSWORD, role: 'SALES_REP' });

    const { action, cookie } = await startSignIn();
    const ambiguous = await post(action, cookie, { email: first.rep.email, password: TEST_PASSWORD }, '10.0.1.1');
    expect(ambiguous.status).toBe(400);
    expect(await ambiguous.text()).toContain('name="tenant"');
    const signedIn = await post(action, cookie, { email: first.rep.email, password: TEST_PASSWORD, tenant: first.tenant.slug }, '10.0.1.1');
    expect(signedIn.status).toBe(303);
    // Back to the provider to finish the authorization request (on the host the caller used).
    expect(new URL(signedIn.headers.get('location')!).pathname).toMatch(/^\/oidc\/auth\/[\w-]+$/);
  });

  it('refuses a form that is not urlencoded, or a GET on the login action', async () => {
    const { action, cookie } = await startSignIn();
    const json = await fetch(action, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(400);
    expect((await fetch(action, { headers: { cookie } })).status).toBe(405);
  });
});

describe('login CSRF', () => {
  const signInHeaders = (cookie: string | null, extra: Record<string, string> = {}) => ({
    ...(cookie ? { cookie } : {}),
    'content-type': 'application/x-www-form-urlencoded',
    'x-forwarded-for': `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
    ...extra,
  });
  const submit = (action: string, cookie: string | null, form: Record<string, string>, extra: Record<string, string> = {}) =>
    fetch(action, { method: 'POST', redirect: 'manual', headers: signInHeaders(cookie, extra), body: new URLSearchParams(form).toString() });

  it('binds the sign-in form to the browser that started it with an HttpOnly, SameSite=Lax cookie', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const start = await fetch(
      `${url}/oidc/auth?${new URLSearchParams({
        client_id: 'crm-web',
        redirect_uri: 'http://localhost:3000/oauth/callback',
        response_type: 'code',
        scope: 'openid api',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      })}`,
      { redirect: 'manual' },
    );
    const uid = new URL(start.headers.get('location')!, url).pathname.split('/').at(-1)!;
    const interaction = start.headers.getSetCookie().find((line) => line.startsWith('_interaction='));
    expect(interaction).toBeDefined();
    expect(interaction!.split(';')[0]).toBe(`_interaction=${uid}`);
    expect(interaction!.toLowerCase()).toContain('httponly');
    expect(interaction!.toLowerCase()).toContain('samesite=lax');
    expect(interaction).toContain(`path=/oidc/interaction/${uid}`);
  });

  it('refuses a sign-in POST without the interaction cookie, even with the right password', async () => {
    const s = await seedTenant(platform);
    const { action } = await startSignIn();
    const refused = await submit(action, null, { email: s.rep.email, password: TEST_PASSWORD });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('location')).toBeNull();
    expect(await refused.text()).toContain('This sign-in link has expired');
  });

  it("refuses a sign-in POST to one interaction carrying another interaction's cookie", async () => {
    const s = await seedTenant(platform);
    const victim = await startSignIn();
    const attacker = await startSignIn();
    const refused = await submit(victim.action, attacker.cookie, { email: s.rep.email, password: TEST_PASSWORD });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('location')).toBeNull();
    // The genuine browser still signs in.
    expect((await submit(victim.action, victim.cookie, { email: s.rep.email, password: TEST_PASSWORD })).status).toBe(303);
  });

  it('refuses a sign-in form posted from another site, and accepts one from our own pages', async () => {
    const s = await seedTenant(platform);
    const credentials = { email: s.rep.email, password: TEST_PASSWORD };
    const evil = await startSignIn();
    const fromEvil = await submit(evil.action, evil.cookie, credentials, { origin: 'https://evil.example' });
    expect(fromEvil.status).toBe(403);
    expect(await fromEvil.text()).toContain('sent from another site');
    const crossSite = await submit(evil.action, evil.cookie, credentials, { 'sec-fetch-site': 'cross-site', origin: 'null' });
    expect(crossSite.status).toBe(403);

    for (const origin of ['http://issuer.test', 'http://localhost:3000', 'null']) {
      const own = await startSignIn();
      const signedIn = await submit(own.action, own.cookie, credentials, { origin, 'sec-fetch-site': origin === 'null' ? 'same-origin' : 'same-site' });
      expect(signedIn.status).toBe(303);
    }
  });
});

describe('partner clients', () => {
  it('are listed only in their tenant and found by id for the token endpoint', async () => {
    const a = await seedTenant(platform);
    const b = await seedTenant(platform);
    const created = await platform.services.oauthClients.create(a.tenant.id, { name: 'Sync', role: 'SALES_MANAGER' });
    expect(await platform.services.oauthClients.list(forTenant(platform.prisma, b.tenant.id))).toEqual([]);
    expect((await platform.services.oauthClients.list(forTenant(platform.prisma, a.tenant.id))).map((c) => c.id)).toEqual([created.clientId]);
    expect(await platform.services.oauthClients.find(created.clientId)).toMatchObject({ tenantId: a.tenant.id, role: 'SALES_MANAGER', revoked: false });
    expect(created.client.secretHash).toBe(createHash('sha256').update(created.clientSecret).digest('hex'));
    await expect(platform.services.oauthClients.revoke(b.tenant.id, created.clientId)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await platform.services.oauthClients.revoke(a.tenant.id, created.clientId);
    expect(await platform.services.oauthClients.find(created.clientId)).toMatchObject({ revoked: true });
    expect(await platform.services.oauthClients.find('not-a-uuid')).toBeNull();
    await expect(platform.services.oauthClients.create(a.tenant.id, { name: ' ', role: 'SYSTEM_ADMIN' })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('signing key rotation', () => {
  it('signs with the new key once it is active, and keeps publishing the old one', async () => {
    const a = await seedTenant(platform);
    const created = await platform.services.oauthClients.create(a.tenant.id, { name: 'Rotation', role: 'SALES_REP' });
    let now = Date.now();
    const keys = createSigningKeyStore({ prisma: platform.prisma, clock: () => new Date(now) });
    const oidc = createOidcService({
      prisma: platform.prisma,
      signingKeys: keys,
      clients: platform.services.oauthClients,
      options: { issuer: ISSUER, cookieSecret: TEST_SIGNING_SECRET },
      logger: createLogger('oidc-rotation-test', 'silent'),
    });
    const server = createServer((req, res) => void oidc.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oidc`;
    const token = async () => {
      const response = await fetch(`${base}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${created.clientId}:${created.clientSecret}`).toString('base64')}`,
        },
        body: 'grant_type=client_credentials',
      });
      expect(response.status).toBe(200);
      return decodeProtectedHeader(((await response.json()) as { access_token: string }).access_token).kid;
    };
    const published = async () => ((await (await fetch(`${base}/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys.map((key) => key.kid);
    try {
      const before = await token();
      const { kid } = await keys.rotate();
      oidc.refreshKeys();
      // During the lead the old key still signs, and the new one is already published.
      expect(await token()).toBe(before);
      expect(await published()).toEqual(expect.arrayContaining([before, kid]));

      // After the lead the new key signs; the old one stays published for the tokens it signed.
      now += ROTATION_LEAD_MS + 1_000;
      oidc.refreshKeys();
      expect(await token()).toBe(kid);
      expect(await published()).toEqual(expect.arrayContaining([before, kid]));
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
