/**
 * OpenID Connect token endpoint benchmark, through the gateway (which forwards `/oidc/*` to the
 * platform) on real PostgreSQL:
 *
 * 1. client credentials: BENCH_OAUTH_TOKENS token requests (default 1,000) from a partner client,
 *    BENCH_OAUTH_CONNECTIONS at a time (default 8): tokens/s and latency percentiles;
 * 2. refresh rotation: BENCH_OAUTH_REFRESHES sequential refreshes (default 300), each presenting the
 *    refresh token the previous one returned (consume + new token + signed JWT);
 * 3. a GraphQL read (`me`) with each fresh access token: what a client pays on its first call.
 *
 * Bounded: stops by itself.
 *
 *   NODE_ENV=production LOG_LEVEL=silent tsx bench/oauth-tokens.ts
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createTenantWithUsers } from '@crm/stack';
import { gqlOk, startRealStack } from '@crm/testkit';

const TOKENS = Number(process.env.BENCH_OAUTH_TOKENS ?? 1000);
const CONNECTIONS = Number(process.env.BENCH_OAUTH_CONNECTIONS ?? 8);
const REFRESHES = Number(process.env.BENCH_OAUTH_REFRESHES ?? 300);
const REDIRECT = 'http://localhost:3000/oauth/callback';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
function report(label: string, samples: number[], wallMs: number, errors: number) {
  const sorted = [...samples].sort((a, b) => a - b);
  console.log(
    `${label.padEnd(34)} ${((samples.length / wallMs) * 1000).toFixed(0).padStart(5)} req/s   p50 ${percentile(sorted, 50).toFixed(1).padStart(6)} ms   p99 ${percentile(sorted, 99).toFixed(1).padStart(6)} ms   errors ${errors}/${samples.length + errors}`,
  );
}

const stack = await startRealStack();
try {
  const issuer = `${new URL(stack.gatewayUrl).origin}/oidc`;
  const slug = `bench-oidc-${randomUUID().slice(0, 8)}`;
  const password = randomUUID();
  const { users } = await createTenantWithUsers(stack, { name: 'Bench OIDC', slug }, [{ email: `admin@${slug}.test`, name: 'Admin', role: 'TENANT_ADMIN', password }]);
  const admin = users[0]!;

  // 1. client credentials
  const created = await gqlOk<{ createOAuthClient: { clientId: string; clientSecret: string } }>(
    stack.gatewayUrl,
    'mutation ($input: CreateOAuthClientInput!) { createOAuthClient(input: $input) { clientId clientSecret } }',
    { input: { name: 'Bench partner', role: 'SALES_MANAGER' } },
    { token: admin.token },
  );
  const basic = `Basic ${Buffer.from(`${created.createOAuthClient.clientId}:${created.createOAuthClient.clientSecret}`).toString('base64')}`;
  const clientCredentials = async () => {
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=api',
    });
    const body = (await response.json()) as { access_token?: string };
    if (!response.ok || !body.access_token) throw new Error(`token endpoint answered ${response.status}`);
    return body.access_token;
  };
  for (let i = 0; i < 20; i++) await clientCredentials(); // warm up
  {
    const samples: number[] = [];
    let errors = 0;
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (next++ < TOKENS) {
          const t0 = performance.now();
          try {
            await clientCredentials();
            samples.push(performance.now() - t0);
          } catch {
            errors++;
          }
        }
      }),
    );
    report(`client credentials, ${CONNECTIONS} connections`, samples, performance.now() - start, errors);
  }

  // 2. authorization code + PKCE once, then a chain of refreshes
  const cookies = new Map<string, string>();
  const step = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return response;
  };
  const verifier = randomBytes(32).toString('base64url');
  const auth = new URLSearchParams({
    client_id: 'crm-web',
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid offline_access api',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  let location = new URL((await step(`${issuer}/auth?${auth}`)).headers.get('location')!, issuer).toString();
  location = new URL(
    (await step(`${location}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email: admin.email, password }).toString() })).headers.get('location')!,
    issuer,
  ).toString();
  while (!location.startsWith(REDIRECT)) location = new URL((await step(location)).headers.get('location')!, issuer).toString();
  const code = new URL(location).searchParams.get('code')!;
  const exchanged = (await (
    await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: 'crm-web', code_verifier: verifier }),
    })
  ).json()) as { refresh_token: string; access_token: string };

  let refreshToken = exchanged.refresh_token;
  const accessTokens: string[] = [];
  {
    const samples: number[] = [];
    let errors = 0;
    const start = performance.now();
    for (let i = 0; i < REFRESHES; i++) {
      const t0 = performance.now();
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'crm-web' }),
      });
      const body = (await response.json()) as { refresh_token?: string; access_token?: string };
      if (!response.ok || !body.refresh_token || !body.access_token) {
        errors++;
        break;
      }
      samples.push(performance.now() - t0);
      refreshToken = body.refresh_token;
      accessTokens.push(body.access_token);
    }
    report('refresh rotation, sequential', samples, performance.now() - start, errors);
  }

  // 3. first GraphQL call with each new token (a signature check the gateway has not cached yet)
  {
    const samples: number[] = [];
    const start = performance.now();
    for (const token of accessTokens) {
      const t0 = performance.now();
      await gqlOk(stack.gatewayUrl, '{ me { id } }', {}, { token });
      samples.push(performance.now() - t0);
    }
    report('GraphQL `me` with a fresh token', samples, performance.now() - start, 0);
  }
} finally {
  await stack.stop();
}
