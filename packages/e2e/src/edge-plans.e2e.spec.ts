/**
 * Plans and tenants at the public edge, through a gateway over the real stack (PostgreSQL, Redis,
 * Kafka):
 * - request rate limits per plan: a tenant on `free` is RATE_LIMITED at its plan's requests per
 *   minute (with `RateLimit-*` headers showing that limit), one on `enterprise` under the same load is not;
 * - tenants' own CORS allowlists on the browser routes besides `/graphql`: BI queries, CSV exports
 *   and attachment uploads and downloads (preflights for any tenant's origins; the request itself
 *   held to the tenant its credential names).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway, GatewayOptions } from '@crm/gateway';
import { startExtraGateway, type Stack } from '@crm/stack';
import { gql, gqlOk, startRealStack } from '@crm/testkit';
import { tenantOnPlan } from './fixtures.ts';

/** The plans' request limits (platform `lib/plans.ts`). */
const FREE_REQUESTS_PER_MINUTE = 300;
const ENTERPRISE_REQUESTS_PER_MINUTE = 30_000;

let stack: Stack;
let filesDir: string;
const gateways: Gateway[] = [];

beforeAll(async () => {
  filesDir = await mkdtemp(join(tmpdir(), 'crm-edge-plans-'));
  stack = await startRealStack({ files: { directory: filesDir } });
});
afterAll(async () => {
  for (const gateway of gateways) await gateway.stop();
  await stack?.stop();
  if (filesDir) await rm(filesDir, { recursive: true, force: true });
});

/** A gateway over the stack's subgraphs with its own settings and counters. */
async function gatewayWith(overrides: Partial<GatewayOptions>): Promise<string> {
  const { gateway, url } = await startExtraGateway(stack, 'edge-plans-test', overrides);
  gateways.push(gateway);
  return url;
}

const tenantOn = (plan: string) => tenantOnPlan(stack, plan);

async function post(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const json = (await response.json()) as { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  return { status: response.status, headers: response.headers, json, code: json.errors?.[0]?.extensions?.['code'] };
}

/** A request at the gateway's origin; JSON errors read when the answer is JSON. */
async function call(url: string, init: RequestInit & { headers?: Record<string, string> }) {
  const response = await fetch(url, init);
  const text = await response.text();
  const json = response.headers.get('content-type')?.includes('application/json') && text ? (JSON.parse(text) as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }) : undefined;
  return { status: response.status, headers: response.headers, text, code: json?.errors?.[0]?.extensions?.['code'] };
}

describe('request rate limits per plan', () => {
  it("refuses a tenant on free at its plan's limit with RateLimit headers, while a tenant on enterprise goes on", async () => {
    const free = await tenantOn('free');
    const enterprise = await tenantOn('enterprise');
    const midMinute = Date.now() - (Date.now() % 60_000) + 30_000;
    // the flat limit (1) would refuse at once: every figure below comes from the plans
    const url = await gatewayWith({ rateLimit: { perTenantFromPlan: true, perTenant: 1, perUser: 100_000, clock: () => midMinute } });
    const base = new URL(url).origin;
    const query = { query: '{ __typename }' };

    const first = await post(url, query, { authorization: `Bearer ${free.token}` });
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe(String(FREE_REQUESTS_PER_MINUTE));
    expect(first.headers.get('ratelimit-remaining')).toBe(String(FREE_REQUESTS_PER_MINUTE - 1));
    expect(first.headers.get('ratelimit-reset')).toBe('30');
    expect(first.headers.get('ratelimit-policy')).toBe(`"tenant";q=${FREE_REQUESTS_PER_MINUTE};w=60, "user";q=100000;w=60`);
    const statuses = new Map<number, number>();
    for (let i = 2; i <= FREE_REQUESTS_PER_MINUTE; i++) {
      const { status } = await post(url, query, { authorization: `Bearer ${free.token}` });
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect([...statuses]).toEqual([[200, FREE_REQUESTS_PER_MINUTE - 1]]);

    const refused = await post(url, query, { authorization: `Bearer ${free.token}` });
    expect(refused.status).toBe(429);
    expect(refused.code).toBe('RATE_LIMITED');
    expect(refused.json.errors?.[0]?.message).toBe('Too many requests for this tenant; retry in 30 s');
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(refused.headers.get('ratelimit-limit')).toBe(String(FREE_REQUESTS_PER_MINUTE));
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    // the tenant's other routes share the limit
    const exported = await call(`${base}/exports/contacts.csv`, { headers: { authorization: `Bearer ${free.token}` } });
    expect(exported.status).toBe(429);
    expect(exported.code).toBe('RATE_LIMITED');
    expect(exported.headers.get('ratelimit-limit')).toBe(String(FREE_REQUESTS_PER_MINUTE));

    // the same load, and more, on enterprise: all served, with its plan's limit in the headers
    let last: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i <= FREE_REQUESTS_PER_MINUTE + 5; i++) {
      last = await post(url, query, { authorization: `Bearer ${enterprise.token}` });
      expect(last.status, `request ${i}`).toBe(200);
    }
    expect(last!.headers.get('ratelimit-limit')).toBe(String(ENTERPRISE_REQUESTS_PER_MINUTE));
    expect(last!.headers.get('ratelimit-remaining')).toBe(String(ENTERPRISE_REQUESTS_PER_MINUTE - FREE_REQUESTS_PER_MINUTE - 6));
  });

  it("tells a tenant's users the limits of its plan", async () => {
    const free = await tenantOn('free');
    const { tenant } = await gqlOk<{ tenant: { plan: string; planLimits: { requestsPerMinute: number; costBudgetPerMinute: number } } }>(
      stack.gatewayUrl,
      '{ tenant { plan planLimits { requestsPerMinute costBudgetPerMinute } } }',
      {},
      { token: free.token },
    );
    expect(tenant).toEqual({ plan: 'free', planLimits: { requestsPerMinute: FREE_REQUESTS_PER_MINUTE, costBudgetPerMinute: 20_000 } });
  });

  it('keeps the flat limit when plans are not asked', async () => {
    const free = await tenantOn('free');
    const url = await gatewayWith({ rateLimit: { perTenant: 5_000, perUser: 100_000 } });
    const answer = await post(url, { query: '{ __typename }' }, { authorization: `Bearer ${free.token}` });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('ratelimit-limit')).toBe('5000');
  });
});

describe('CORS per tenant on BI queries, CSV exports and attachments', () => {
  const unique = randomUUID().slice(0, 8);
  const acmeOrigin = `https://crm-${unique}.acme.example`;
  const globexOrigin = `https://crm-${unique}.globex.example`;
  const globalOrigin = `https://global-${unique}.example`;
  let acme: Awaited<ReturnType<typeof tenantOn>>;
  let globex: Awaited<ReturnType<typeof tenantOn>>;
  let base: string;

  beforeAll(async () => {
    acme = await tenantOn('team');
    globex = await tenantOn('team');
    const { services } = stack.subgraphs.platform.subgraph;
    await services.tenants.setCorsOrigins(acme.tenantId, [acmeOrigin]);
    await services.tenants.setCorsOrigins(globex.tenantId, [globexOrigin]);
    base = new URL(await gatewayWith({ corsOrigins: [globalOrigin], tenantSettings: { ttlSeconds: 1, localTtlMs: 0 } })).origin;
    for (const tenant of [acme, globex]) {
      await gqlOk(
        stack.gatewayUrl,
        'mutation($input: RegisterPersistedQueryInput!) { registerPersistedQuery(input: $input) { id } }',
        { input: { name: 'cors-me', document: 'query Me { me { id } }' } },
        { token: tenant.token },
      );
    }
  });

  const preflight = (path: string, origin: string, method = 'GET') =>
    call(`${base}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization' } });
  const get = (path: string, origin: string, token: string) => call(`${base}${path}`, { headers: { origin, authorization: `Bearer ${token}` } });

  it("answers preflights for the global list and any tenant's origins, and refuses the rest", async () => {
    for (const path of ['/bi/queries/cors-me', '/exports/contacts.csv']) {
      for (const origin of [acmeOrigin, globexOrigin, globalOrigin]) {
        const answer = await preflight(path, origin);
        expect(answer.status, `${path} ${origin}`).toBe(204);
        expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
        expect(answer.headers.get('access-control-allow-credentials')).toBe('true');
        expect(answer.headers.get('access-control-allow-headers')).toContain('authorization');
        expect(answer.headers.get('vary')).toBe('Origin');
      }
      const unknown = await preflight(path, `https://evil-${unique}.example`);
      expect(unknown.status).toBe(403);
      expect(unknown.headers.get('access-control-allow-origin')).toBeNull();
    }
    const upload = await preflight('/files/uploads/anything', acmeOrigin, 'PUT');
    expect(upload.status).toBe(204);
    expect(upload.headers.get('access-control-allow-methods')).toContain('PUT');
  });

  it("serves BI queries to the tenant's own origin and refuses another tenant's", async () => {
    const own = await get('/bi/queries/cors-me', acmeOrigin, acme.token);
    expect(own.status).toBe(200);
    expect(JSON.parse(own.text)).toMatchObject({ data: { me: { id: acme.adminId } } });
    expect(own.headers.get('access-control-allow-origin')).toBe(acmeOrigin);
    expect(own.headers.get('access-control-allow-credentials')).toBe('true');
    expect(own.headers.get('access-control-expose-headers')).toContain('etag');
    expect(own.headers.get('vary')).toBe('Origin, Authorization, X-Api-Key');

    // acme's origin with globex's token, and globex's origin with acme's token: refused before the query runs
    for (const [origin, token] of [
      [acmeOrigin, globex.token],
      [globexOrigin, acme.token],
    ] as const) {
      const other = await get('/bi/queries/cors-me', origin, token);
      expect(other.status).toBe(403);
      expect(other.code).toBe('FORBIDDEN');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      expect(other.headers.get('access-control-allow-credentials')).toBeNull();
      expect(other.headers.get('vary')).toContain('Origin');
    }

    // the global list serves every tenant
    const global = await get('/bi/queries/cors-me', globalOrigin, globex.token);
    expect(global.status).toBe(200);
    expect(global.headers.get('access-control-allow-origin')).toBe(globalOrigin);
    // no Origin (a BI tool, not a page): no CORS headers, served
    const tool = await call(`${base}/bi/queries/cors-me`, { headers: { authorization: `Bearer ${globex.token}` } });
    expect(tool.status).toBe(200);
    expect(tool.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("serves CSV exports to the tenant's own origin and refuses another tenant's", async () => {
    const own = await get('/exports/contacts.csv', acmeOrigin, acme.token);
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(own.headers.get('access-control-allow-origin')).toBe(acmeOrigin);
    expect(own.headers.get('vary')).toBe('Origin');

    const other = await get('/exports/contacts.csv', acmeOrigin, globex.token);
    expect(other.status).toBe(403);
    expect(other.code).toBe('FORBIDDEN');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();

    const global = await get('/exports/contacts.csv', globalOrigin, globex.token);
    expect(global.status).toBe(200);
    expect(global.headers.get('access-control-allow-origin')).toBe(globalOrigin);
  });

  it('holds attachment uploads and downloads to the tenant their URL names', async () => {
    const { createContact: contact } = await gqlOk<{ createContact: { id: string } }>(
      stack.gatewayUrl,
      'mutation($input: CreateContactInput!) { createContact(input: $input) { id } }',
      { input: { firstName: 'Ada', lastName: `Cors${unique}` } },
      { token: acme.token },
    );
    const bytes = Buffer.from('Call notes: wants a 3-year term.\n');
    const started = await gql<{ createAttachmentUpload: { uploadUrl: string; attachment: { id: string } } }>(
      stack.gatewayUrl,
      'mutation($recordId: ID!, $size: Int!) { createAttachmentUpload(recordType: CONTACT, recordId: $recordId, fileName: "notes.txt", contentType: "text/plain", size: $size) { uploadUrl attachment { id } } }',
      { recordId: contact.id, size: bytes.length },
      { token: acme.token },
    );
    expect(started.errors).toBeUndefined();
    const { uploadUrl } = started.data!.createAttachmentUpload;
    const put = (origin: string) => call(`${base}${uploadUrl}`, { method: 'PUT', headers: { origin, 'content-type': 'text/plain' }, body: bytes });

    // another tenant's origin: refused here, so the single-use URL is still good
    const refused = await put(globexOrigin);
    expect(refused.status).toBe(403);
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const uploaded = await put(acmeOrigin);
    expect(uploaded.status).toBe(200);
    expect(uploaded.headers.get('access-control-allow-origin')).toBe(acmeOrigin);

    const listed = await gqlOk<{ contact: { attachments: Array<{ downloadUrl: string | null }> } }>(
      stack.gatewayUrl,
      'query($id: ID!) { contact(id: $id) { attachments { downloadUrl } } }',
      { id: contact.id },
      { token: acme.token },
    );
    const downloadUrl = listed.contact.attachments[0]!.downloadUrl!;
    const own = await call(`${base}${downloadUrl}`, { headers: { origin: acmeOrigin } });
    expect(own.status).toBe(200);
    expect(own.text).toBe(bytes.toString());
    expect(own.headers.get('access-control-allow-origin')).toBe(acmeOrigin);
    expect(own.headers.get('access-control-expose-headers')).toContain('content-disposition');
    const other = await call(`${base}${downloadUrl}`, { headers: { origin: globexOrigin } });
    expect(other.status).toBe(403);
    expect(other.code).toBe('FORBIDDEN');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
