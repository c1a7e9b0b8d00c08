/**
 * Credentials at rest and in logs, on a real stack whose every log line (level trace) is captured:
 * - passwords are stored as argon2id with at least the OWASP baseline (m ≥ 19 MiB, t ≥ 2, p = 1),
 *   read from the stored hash itself;
 * - after sign-in (right and wrong passwords), an OpenID Connect token issued to a partner client,
 *   an API key created and used, an invitation sent and accepted with a new password, no log line
 *   holds a password, an access token, an API key or client secret, an invitation token, an argon2
 *   hash or the gateway's signing secret.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAINS, loadStackConfig, startStack, type Stack, type StackConfig } from '@crm/stack';
import { createLogger } from '@crm/runtime';
import { createTenantWithUsers, gql, gqlOk } from '@crm/testkit';

const lines: string[] = [];
let stack: Stack;
let tenant: Awaited<ReturnType<typeof createTenantWithUsers>>;
const password = `pw-${randomUUID()}`;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const ports = Object.fromEntries([...DOMAINS, 'web', 'gateway'].map((name) => [name, 0])) as StackConfig['ports'];
  const config = loadStackConfig(process.env, { ports, allowInsecureWebhookUrls: true, consumers: { groupSuffix: `.test-${randomUUID().slice(0, 8)}`, fromBeginning: false } });
  if (config.mode !== 'real') throw new Error('end-to-end tests need DATABASE_URL_<DOMAIN>, KAFKA_BROKERS and REDIS_URL (run them with `pnpm test`)');
  stack = await startStack(config, createLogger('test-stack', 'trace', sink));
  const slug = `secrets-${randomUUID().slice(0, 8)}`;
  tenant = await createTenantWithUsers(stack, { name: 'Secrets Inc', slug }, [{ email: `admin@${slug}.test`, name: 'Secret Admin', role: 'TENANT_ADMIN', password }]);
});
afterAll(async () => {
  await stack?.stop();
});

/** `$argon2id$v=19$m=19456,t=2,p=1$…` → its parameters. */
function argon2Parameters(hash: string) {
  const match = /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.exec(hash);
  if (!match) throw new Error(`not an argon2 PHC string: ${hash.slice(0, 30)}…`);
  return { algorithm: match[1], version: Number(match[2]), memoryKiB: Number(match[3]), iterations: Number(match[4]), parallelism: Number(match[5]) };
}

/** OWASP password storage cheat sheet, argon2id rows: (m MiB, t) with p = 1. */
const OWASP_ARGON2ID = [
  { memoryMiB: 47, iterations: 1 },
  { memoryMiB: 19, iterations: 2 },
  { memoryMiB: 12, iterations: 3 },
  { memoryMiB: 9, iterations: 4 },
  { memoryMiB: 7, iterations: 5 },
];

async function storedHash(email: string): Promise<string> {
  const platform = stack.subgraphs.platform.subgraph.prisma;
  const user = await platform.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenant.tenantId}, true)`;
    return tx.user.findFirstOrThrow({ where: { email }, select: { passwordHash: true } });
  });
  if (!user.passwordHash) throw new Error(`${email} has no password`);
  return user.passwordHash;
}

describe('credentials', () => {
  it('stores passwords as argon2id at an OWASP setting, and logs no secret of sign-in, tokens, keys or invitations', async () => {
    const admin = tenant.users[0]!;
    const url = stack.gatewayUrl;
    const secrets: Record<string, string> = { 'gateway signing secret': stack.config.signingSecret, password, 'seeded access token': admin.token };

    // sign-in, right and wrong
    const wrong = `wrong-${randomUUID()}`;
    secrets['wrong password'] = wrong;
    const refused = await gql(url, 'mutation($e: String!, $p: String!, $t: String) { login(email: $e, password: $p, tenantSlug: $t) { accessToken } }', { e: admin.email, p: wrong, t: tenant.slug });
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const signedIn = await gqlOk<{ login: { accessToken: string } }>(url, 'mutation($e: String!, $p: String!, $t: String) { login(email: $e, password: $p, tenantSlug: $t) { accessToken } }', { e: admin.email, p: password, t: tenant.slug });
    secrets['access token'] = signedIn.login.accessToken;

    // an API key, created and used
    const created = await gqlOk<{ createApiKey: { key: string } }>(url, 'mutation { createApiKey(input: { name: "Log check", role: SALES_REP }) { key } }', {}, { token: admin.token });
    secrets['API key'] = created.createApiKey.key;
    await gqlOk(url, '{ contacts(first: 1) { id } }', {}, { headers: { 'x-api-key': created.createApiKey.key } });

    // an OpenID Connect token for a partner client (client credentials), used on the API
    const client = await gqlOk<{ createOAuthClient: { clientId: string; clientSecret: string } }>(url, 'mutation { createOAuthClient(input: { name: "Log check", role: SALES_REP }) { clientId clientSecret } }', {}, { token: admin.token });
    secrets['OAuth client secret'] = client.createOAuthClient.clientSecret;
    const issued = await fetch(`${new URL(url).origin}/oidc/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.createOAuthClient.clientId)}:${encodeURIComponent(client.createOAuthClient.clientSecret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'api' }),
    });
    expect(issued.status).toBe(200);
    const clientToken = ((await issued.json()) as { access_token: string }).access_token;
    secrets['OIDC access token'] = clientToken;
    await gqlOk(url, '{ contacts(first: 1) { id } }', {}, { token: clientToken });

    // an invitation, accepted with a password of the invitee's own
    const email = `invitee-${randomUUID().slice(0, 8)}@example.com`;
    await gqlOk(url, 'mutation($e: String!) { inviteUser(input: { email: $e, name: "Ivy", role: SALES_REP }) { id } }', { e: email }, { token: admin.token });
    const platform = stack.subgraphs.platform.subgraph.prisma;
    const mail = await platform.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenant.tenantId}, true)`;
      return tx.outboundEmail.findFirstOrThrow({ where: { to: email } });
    });
    const invitation = (mail.data as { token: string }).token;
    secrets['invitation token'] = invitation;
    const inviteePassword = `invitee-pw-${randomUUID()}`;
    secrets['invitee password'] = inviteePassword;
    const joined = await gqlOk<{ acceptInvitation: { accessToken: string } }>(url, 'mutation($t: String!, $p: String!) { acceptInvitation(token: $t, password: $p) { accessToken } }', { t: invitation, p: inviteePassword });
    secrets['invitee access token'] = joined.acceptInvitation.accessToken;

    // argon2id at an OWASP setting, for both passwords
    for (const who of [admin.email, email]) {
      const hash = await storedHash(who);
      secrets[`argon2 hash of ${who}`] = hash;
      const parameters = argon2Parameters(hash);
      expect(parameters).toMatchObject({ algorithm: 'argon2id', version: 19, parallelism: 1 });
      const row = OWASP_ARGON2ID.find((candidate) => parameters.memoryKiB >= candidate.memoryMiB * 1024 && parameters.iterations >= candidate.iterations);
      expect(row, `m=${parameters.memoryKiB} KiB, t=${parameters.iterations} meets no OWASP argon2id row`).toBeDefined();
    }

    // events (audit, notifications) are handled asynchronously; let their logs land
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const log = lines.join('');
    expect(lines.length, 'the stack logged something').toBeGreaterThan(10);
    const found: string[] = [];
    for (const [name, secret] of Object.entries(secrets)) {
      // whole values, and for tokens their signature alone (a token cut in two still leaks it)
      const parts = [secret, ...(secret.split('.').length === 3 ? [secret.split('.')[2]!] : [])];
      if (parts.some((part) => part.length >= 8 && log.includes(part))) found.push(name);
    }
    if (log.includes('$argon2')) found.push('an argon2 hash');
    expect(found, 'secrets found in the logs').toEqual([]);
  });
});
