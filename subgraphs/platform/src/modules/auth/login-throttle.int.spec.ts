/** Per-account sign-in throttling on real PostgreSQL: aliased fields count one by one; the window slides; success resets. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../services.ts';
import { graphql, seedTenant, startTestPlatform, TEST_PASSWORD, type TestPlatform } from '../../test-support.ts';
import { LOGIN_THROTTLE_DEFAULTS } from './services/login-throttle.ts';

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.stop();
});

const { maxAttempts, windowMs } = LOGIN_THROTTLE_DEFAULTS;

describe('login throttling', () => {
  it('counts every aliased login field as an attempt, even when they run at once', async () => {
    const { rep, admin } = await seedTenant(t.platform);
    // 50 concurrent attempts on one account: exactly `maxAttempts` reach the password check.
    const codes = await Promise.all(
      Array.from({ length: 50 }, () =>
        t.platform.services.auth.login({ email: rep.email, password: 'wrong password!' }).then(
          () => 'ok',
          (error: { extensions?: { code?: string } }) => error.extensions?.code,
        ),
      ),
    );
    expect(codes.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(maxAttempts);
    expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(50 - maxAttempts);

    // The right password is refused too until the window has passed; the error says when to retry.
    const login = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }';
    const locked = await graphql(t.url, { tenantId: null }, login, { e: rep.email, p: TEST_PASSWORD });
    expect(locked.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(locked.errors?.[0]?.extensions?.['retryAfterSeconds']).toBeGreaterThan(0);

    // Through GraphQL, a document of aliased logins spends the account's attempts like separate requests.
    const fields = Array.from({ length: 50 }, (_, i) => `a${i}: login(email: $email, password: $password) { accessToken }`).join('\n');
    const aliased = `mutation($email: String!, $password: String!) { ${fields} }`;
    const seen: Array<string | undefined> = [];
    for (let i = 0; i <= maxAttempts; i++) {
      const result = await graphql(t.url, { tenantId: null }, aliased, { email: admin.email, password: 'wrong password!' });
      seen.push(result.errors?.[0]?.extensions?.code);
    }
    expect(seen.at(-1)).toBe('RATE_LIMITED');
    expect(seen.filter((code) => code === 'UNAUTHENTICATED').length).toBeLessThanOrEqual(maxAttempts);
  });

  it('counts unknown accounts the same way, lets the window slide, and resets on success', async () => {
    const { rep } = await seedTenant(t.platform);
    let now = new Date(Date.now() - 2 * windowMs);
    const services = createServices({ prisma: t.platform.prisma, afterCommit: () => undefined, clock: () => now, loginThrottle: { maxAttempts: 3, windowMs } });
    const attempt = (password: string, email = rep.email) => services.auth.login({ email, password }).then(() => 'ok', (error: { extensions?: { code?: string } }) => error.extensions?.code);

    expect([await attempt('nope'), await attempt('nope'), await attempt(TEST_PASSWORD)]).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'ok']);
    // Success cleared the count: three more failures are allowed, the fourth attempt is throttled.
    expect([await attempt('nope'), await attempt('nope'), await attempt('nope'), await attempt(TEST_PASSWORD)]).toEqual([
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'RATE_LIMITED',
    ]);
    now = new Date(now.getTime() + windowMs + 1);
    expect(await attempt(TEST_PASSWORD)).toBe('ok');

    const ghost = `ghost-${rep.id}@example.com`;
    expect([await attempt('x', ghost), await attempt('x', ghost), await attempt('x', ghost), await attempt('x', ghost)]).toEqual([
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'RATE_LIMITED',
    ]);
  });
});
