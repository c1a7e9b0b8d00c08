/**
 * Sign-in throttling per client address, through the gateway: refused GraphQL `login` attempts
 * from one address count together whatever the account (the per-account limit alone would let an
 * attacker try one password on many accounts), up to the platform's limit (100 per 15 minutes,
 * shared with the sign-in form). A successful sign-in does not count, and other addresses are not
 * affected. Each test sends from loopback addresses of its own (127.0.0.0/8), so test files running
 * side by side never share a count.
 */
import { request } from 'node:http';
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createTenantWithUsers, startRealStack } from '@crm/testkit';

/** The platform's default (`OIDC_DEFAULTS.maxAttemptsPerAddress`); other test stacks raise it. */
const LIMIT = 100;
const LOGIN = 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }';

let stack: Stack;

beforeAll(async () => {
  stack = await startRealStack({ maxSignInFailuresPerAddress: LIMIT });
});
afterAll(async () => {
  await stack?.stop();
});

interface LoginAnswer {
  status: number;
  data?: { login: { accessToken: string } | null } | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** A loopback address no other test uses (never 127.0.0.1). */
const loopbackAddress = () => `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;

/** POST /graphql `login` sent from `localAddress`. */
function login(localAddress: string, email: string, password: string): Promise<LoginAnswer> {
  const url = new URL(stack.gatewayUrl);
  const body = JSON.stringify({ query: LOGIN, variables: { email, password } });
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ...(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<LoginAnswer, 'status'>) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const codeOf = (answer: LoginAnswer) => answer.errors?.[0]?.extensions?.['code'];

describe('sign-in throttling per client address', () => {
  it('refuses an address after 100 refused sign-ins across accounts, successful ones not counted, other addresses unaffected', async () => {
    const slug = `throttle-${randomUUID().slice(0, 8)}`;
    const password = `pw-${randomUUID()}`;
    const { users } = await createTenantWithUsers(stack, { name: 'Throttle Inc', slug }, [{ email: `admin@${slug}.test`, name: 'Throttle Admin', role: 'TENANT_ADMIN', password }]);
    const email = users[0]!.email;
    const attacker = loopbackAddress();
    let neighbour = loopbackAddress();
    while (neighbour === attacker) neighbour = loopbackAddress();

    // a successful sign-in from the address takes nothing from its allowance
    expect((await login(attacker, email, password)).data?.login?.accessToken).toEqual(expect.any(String));

    // one wrong password on each of many accounts: each refused, none locked per account
    for (let attempt = 1; attempt <= LIMIT; attempt++) {
      const refused = await login(attacker, `nobody-${attempt}@${slug}.test`, 'a wrong password');
      expect(codeOf(refused), `attempt ${attempt}`).toBe('UNAUTHENTICATED');
    }

    // the next attempt from that address is refused before any password is checked, even the right one
    const throttled = await login(attacker, email, password);
    expect(codeOf(throttled)).toBe('RATE_LIMITED');
    expect(throttled.data?.login ?? null).toBeNull();
    expect(throttled.errors?.[0]?.extensions?.['retryAfterSeconds']).toEqual(expect.any(Number));

    // another address signs the same account in
    expect((await login(neighbour, email, password)).data?.login?.accessToken).toEqual(expect.any(String));
  });
});
