/**
 * Named persisted queries for BI tools through the gateway on real PostgreSQL, Redis and Kafka:
 * registration through the API, `GET /bi/queries/<name-or-id>` as JSON and as CSV across pages
 * (250 contacts, 100 per page), ETags with 304s, the caller's own permissions and tenant, and
 * clear errors for bad input; with the response cache on, repeated JSON reads answered from it
 * without running the pipeline again, still per caller, fresh after writes and charged to the
 * tenant's cost budget.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway, GatewayOptions, TrustedDocuments } from '@crm/gateway';
import { startExtraGateway, type Stack } from '@crm/stack';
import { createTenantWithUsers, eventually, gql, gqlOk, startRealStack } from '@crm/testkit';
import { seedSalesTenant, type SalesTenant } from './fixtures.ts';

let stack: Stack;
let base: string;
let acme: Awaited<ReturnType<typeof seedTenant>>;
let globex: Awaited<ReturnType<typeof seedTenant>>;
let exportId: string;

const CONTACTS_EXPORT = `query ContactsExport($after: String, $filter: ContactFilter) {
  contactsConnection(first: 100, after: $after, filter: $filter, orderBy: [{ field: EMAIL, direction: ASC }]) {
    pageInfo { hasNextPage endCursor }
    edges { node { id firstName lastName email tags owner { name } } }
  }
}`;
const REGISTER = /* GraphQL */ `
  mutation Register($input: RegisterPersistedQueryInput!) {
    registerPersistedQuery(input: $input) { id name sha256 paginates }
  }
`;

async function seedTenant(label: string, contacts: number) {
  const slug = `${label}-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const tenant = await createTenantWithUsers(stack, { name: `${label} Inc`, slug }, [
    { email: `admin@${slug}.test`, name: `${label} Admin`, role: 'TENANT_ADMIN', password },
    { email: `manager@${slug}.test`, name: `${label} Manager`, role: 'SALES_MANAGER', password },
    { email: `rep@${slug}.test`, name: `${label} Rep`, role: 'SALES_REP', password },
  ]);
  const [admin, manager, rep] = tenant.users as [(typeof tenant.users)[0], (typeof tenant.users)[0], (typeof tenant.users)[0]];
  const inputs = Array.from({ length: contacts }, (_, i) => ({
    email: `p${String(i).padStart(3, '0')}@${slug}.example`,
    firstName: `Person${i}`,
    // one name needs RFC 4180 quoting
    lastName: i === 7 ? 'O"Neil, Jr' : label,
    tags: i % 10 === 0 ? ['vip', 'bi'] : [],
    ownerId: (i % 2 ? rep : admin).id,
  }));
  for (let at = 0; at < inputs.length; at += 100) {
    const result = await gqlOk<{ upsertContacts: { outcome: string }[] }>(
      stack.gatewayUrl,
      'mutation Seed($inputs: [UpsertContactInput!]!) { upsertContacts(inputs: $inputs) { outcome } }',
      { inputs: inputs.slice(at, at + 100) },
      { token: admin.token },
    );
    expect(result.upsertContacts.every((item) => item.outcome === 'CREATED')).toBe(true);
  }
  return { ...tenant, slug, admin, manager, rep };
}

/** GET /bi/queries/<ref> with a token; `query` holds the URL parameters; `at` the gateway (default the stack's). */
async function bi(ref: string, token: string | undefined, query: Record<string, string> = {}, headers: Record<string, string> = {}, at = base) {
  const url = `${at}/bi/queries/${encodeURIComponent(ref)}?${new URLSearchParams(query)}`;
  const response = await fetch(url, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** A small RFC 4180 reader for the assertions. */
function readCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted && char === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (quoted && char === '"') {
      quoted = false;
    } else if (quoted) {
      field += char;
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else {
      field += char;
    }
  }
  expect(field).toBe('');
  expect(record).toEqual([]);
  return records;
}

const errorOf = (text: string) => (JSON.parse(text) as { errors: { message: string; extensions: { code: string } }[] }).errors[0]!;

beforeAll(async () => {
  stack = await startRealStack();
  base = stack.gatewayUrl.replace(/\/graphql$/, '');
  [acme, globex] = [await seedTenant('acme', 250), await seedTenant('globex', 3)];
  const registered = await gqlOk<{ registerPersistedQuery: { id: string; paginates: boolean } }>(
    stack.gatewayUrl,
    REGISTER,
    { input: { name: 'contacts-export', document: CONTACTS_EXPORT } },
    { token: acme.manager.token },
  );
  expect(registered.registerPersistedQuery.paginates).toBe(true);
  exportId = registered.registerPersistedQuery.id;
});
afterAll(async () => {
  await stack?.stop();
});

describe('registering persisted queries through the gateway', () => {
  it('keeps names unique per tenant, refuses reps and bad documents, and lists and deletes', async () => {
    const duplicate = await gql(stack.gatewayUrl, REGISTER, { input: { name: 'contacts-export', document: '{ __typename }' } }, { token: acme.admin.token });
    expect(duplicate.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const rep = await gql(stack.gatewayUrl, REGISTER, { input: { name: 'mine', document: '{ __typename }' } }, { token: acme.rep.token });
    expect(rep.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const mutation = await gql(stack.gatewayUrl, REGISTER, { input: { name: 'writes', document: 'mutation { deletePersistedQuery(id: "x") }' } }, { token: acme.admin.token });
    expect(mutation.errors?.[0]).toMatchObject({ message: 'document must be a query, not a mutation', extensions: { code: 'BAD_USER_INPUT' } });

    const temporary = await gqlOk<{ registerPersistedQuery: { id: string } }>(stack.gatewayUrl, REGISTER, { input: { name: 'temporary', document: '{ __typename }' } }, { token: acme.admin.token });
    const LIST = 'query { persistedQueries(first: 10) { edges { node { id name } } pageInfo { hasNextPage } } }';
    type Listed = { persistedQueries: { edges: { node: { id: string; name: string } }[] } };
    const listed = await gqlOk<Listed>(stack.gatewayUrl, LIST, {}, { token: acme.rep.token });
    expect(listed.persistedQueries.edges.map((edge) => edge.node.name)).toEqual(expect.arrayContaining(['temporary', 'contacts-export']));
    expect((await gqlOk<Listed>(stack.gatewayUrl, LIST, {}, { token: globex.admin.token })).persistedQueries.edges).toEqual([]);

    await gqlOk(stack.gatewayUrl, 'mutation($id: ID!) { deletePersistedQuery(id: $id) }', { id: temporary.registerPersistedQuery.id }, { token: acme.manager.token });
    const after = await gqlOk<Listed>(stack.gatewayUrl, LIST, {}, { token: acme.admin.token });
    expect(after.persistedQueries.edges.map((edge) => edge.node.name)).not.toContain('temporary');
  });
});

describe('GET /bi/queries/<name-or-id>', () => {
  it('answers JSON with a strong ETag, private revalidation and 304 on If-None-Match', async () => {
    const first = await bi('contacts-export', acme.admin.token);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('application/json');
    expect(first.headers.get('cache-control')).toBe('private, max-age=0, must-revalidate');
    expect(first.headers.get('vary')).toBe('Origin, Authorization, X-Api-Key');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const body = JSON.parse(first.text) as { data: { contactsConnection: { edges: { node: { email: string } }[]; pageInfo: { hasNextPage: boolean } } } };
    expect(body.data.contactsConnection.edges).toHaveLength(100);
    expect(body.data.contactsConnection.pageInfo.hasNextPage).toBe(true);
    expect(body.data.contactsConnection.edges[0]!.node.email).toBe(`p000@${acme.slug}.example`);

    const again = await bi('contacts-export', acme.admin.token, {}, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.get('etag')).toBe(etag);

    const byId = await bi(exportId, acme.admin.token);
    expect(byId.status).toBe(200);
    expect(byId.headers.get('etag')).toBe(etag);
  });

  it('answers CSV of every page with a header row, flattened columns and RFC 4180 quoting', async () => {
    const response = await bi('contacts-export', acme.admin.token, { format: 'csv' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const records = readCsv(response.text);
    expect(records[0]).toEqual(['id', 'firstName', 'lastName', 'email', 'tags', 'owner.name']);
    const rows = records.slice(1);
    expect(rows).toHaveLength(250);
    expect(new Set(rows.map((row) => row[0])).size).toBe(250);
    expect(rows.map((row) => row[3])).toEqual(Array.from({ length: 250 }, (_, i) => `p${String(i).padStart(3, '0')}@${acme.slug}.example`));
    expect(rows[0]!.slice(1)).toEqual(['Person0', 'acme', `p000@${acme.slug}.example`, '["vip","bi"]', 'acme Admin']);
    expect(rows[7]!.slice(1)).toEqual(['Person7', 'O"Neil, Jr', `p007@${acme.slug}.example`, '[]', 'acme Rep']);
    expect(response.text).toContain(',"O""Neil, Jr",');

    const etag = response.headers.get('etag')!;
    expect(etag).not.toBe((await bi('contacts-export', acme.admin.token)).headers.get('etag'));
    const again = await bi('contacts-export', acme.admin.token, { format: 'csv' }, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('runs for any user of the tenant, with the variables given', async () => {
    const variables = JSON.stringify({ filter: { ownerId: { eq: acme.rep.id } } });
    const rep = await bi('contacts-export', acme.rep.token, { format: 'csv', variables });
    expect(rep.status).toBe(200);
    const rows = readCsv(rep.text).slice(1);
    expect(rows).toHaveLength(125);
    expect(rows.every((row) => row[5] === 'acme Rep')).toBe(true);

    const filtered = await bi('contacts-export', acme.admin.token, { format: 'csv', variables: JSON.stringify({ filter: { tags: { has: 'vip' } } }) });
    expect(readCsv(filtered.text).slice(1).map((row) => row[1])).toEqual(Array.from({ length: 25 }, (_, i) => `Person${i * 10}`));
  });

  it('serves an API key restricted to persisted operations, which cannot send the document itself', async () => {
    const created = await gqlOk<{ createApiKey: { key: string } }>(
      stack.gatewayUrl,
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }',
      // a key has no user: only a tenant-scoped role reads the tenant's records through it
      { input: { name: 'Metabase', role: 'TENANT_ADMIN', persistedOnly: true } },
      { token: acme.admin.token },
    );
    const key = created.createApiKey.key;
    const csv = await bi('contacts-export', key, { format: 'csv' });
    expect(csv.status).toBe(200);
    expect(readCsv(csv.text)).toHaveLength(251);
    const adHoc = await gql(stack.gatewayUrl, CONTACTS_EXPORT, {}, { token: key });
    expect(adHoc.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
  });

  it('lets no other tenant use the name or the id', async () => {
    for (const ref of ['contacts-export', exportId]) {
      const response = await bi(ref, globex.admin.token, { format: 'csv' });
      expect(response.status).toBe(404);
      expect(errorOf(response.text).extensions.code).toBe('NOT_FOUND');
    }
  });

  it('refuses bad input with clear errors and no stack traces', async () => {
    const unknown = await bi('no-such-query', acme.admin.token);
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown.text)).toEqual({ message: 'Persisted query no-such-query not found', extensions: { code: 'NOT_FOUND' } });

    const badJson = await bi('contacts-export', acme.admin.token, { variables: '{"filter":' });
    expect(badJson.status).toBe(400);
    expect(errorOf(badJson.text)).toEqual({ message: 'variables is not valid JSON', extensions: { code: 'BAD_USER_INPUT' } });

    const badFormat = await bi('contacts-export', acme.admin.token, { format: 'xml' });
    expect(badFormat.status).toBe(400);
    expect(errorOf(badFormat.text).extensions.code).toBe('BAD_USER_INPUT');

    const anonymous = await bi('contacts-export', undefined);
    expect(anonymous.status).toBe(401);
    expect(errorOf(anonymous.text).extensions.code).toBe('UNAUTHENTICATED');

    await gqlOk(stack.gatewayUrl, REGISTER, { input: { name: 'pipeline-total', document: 'query Total($id: ID!) { pipelineSummary(pipelineId: $id) { dealCount } }' } }, { token: acme.admin.token });
    const summary = await bi('pipeline-total', acme.admin.token, { variables: JSON.stringify({ id: randomUUID() }) });
    expect(summary.status).toBe(200);
    expect(JSON.parse(summary.text)).toMatchObject({ data: { pipelineSummary: { dealCount: 0 } } });
    const noList = await bi('pipeline-total', acme.admin.token, { format: 'csv', variables: JSON.stringify({ id: randomUUID() }) });
    expect(noList.status).toBe(400);
    expect(errorOf(noList.text)).toEqual({
      message: 'Persisted query "pipeline-total" selects no list, so it has no CSV form; ask for format=json',
      extensions: { code: 'BAD_USER_INPUT' },
    });

    const wrongType = await bi('contacts-export', acme.admin.token, { format: 'csv', variables: JSON.stringify({ filter: 5 }) });
    expect(wrongType.status).toBe(400);
    const error = errorOf(wrongType.text);
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(wrongType.text).not.toMatch(/stack|at .*\.ts/);
  });
});

describe('cached JSON answers (response cache on)', () => {
  const BOARD = 'query Board($p: ID!) { deals(pipelineId: $p, first: 50) { id name stage { name } } }';
  const gateways: Gateway[] = [];
  let sales: SalesTenant;
  let boardHash: string;
  let variables: string;

  /**
   * A gateway with the response cache on, and what shows its pipeline running: each run of a
   * persisted query by hash first asks the trusted documents for it (none are trusted here), and
   * each answer not from the cache fetches deals from the sales subgraph.
   */
  async function cachingGateway(overrides: Partial<GatewayOptions> = {}) {
    const seen = { runs: 0, salesFetches: 0 };
    const documents: TrustedDocuments = {
      size: 0,
      get(hash) {
        if (hash === boardHash) seen.runs++;
        return undefined;
      },
    };
    const { gateway, url } = await startExtraGateway(stack, 'bi-cache-test', {
      ...overrides,
      responseCache: {},
      trustedDocuments: { documents },
      subgraphs: { onFetch: (subgraph) => void (subgraph === 'sales' && seen.salesFetches++) },
    });
    gateways.push(gateway);
    await gateway.responseCache!.ready;
    const at = url.replace(/\/graphql$/, '');
    const cache = gateway.responseCache!;
    const get = (token: string, headers: Record<string, string> = {}, vars = variables) => bi('board', token, { variables: vars }, headers, at);
    /**
     * GETs until one is answered from the cache without the pipeline running: the response cache
     * counts a hit while neither the pipeline's document lookup nor a subgraph fetch happens (the
     * events of earlier writes, relayed from the outbox, may still drop an entry just stored).
     */
    const fromCacheOnly = (token: string, headers: Record<string, string> = {}) =>
      eventually(async () => {
        const before = { ...seen, hits: cache.stats().hits };
        const response = await get(token, headers);
        const answered = seen.runs === before.runs && seen.salesFetches === before.salesFetches && cache.stats().hits === before.hits + 1;
        return answered ? response : null;
      }, 15_000, 50);
    return { url, at, cache, seen, get, fromCacheOnly };
  }

  const namesOf = (text: string) => (JSON.parse(text) as { data: { deals: { name: string }[] } }).data.deals.map((deal) => deal.name).sort();
  const metric = async (at: string, line: string) => {
    const text = await (await fetch(`${at}/metrics`)).text();
    return Number(text.split('\n').find((l) => l.startsWith(`${line} `))?.split(' ')[1] ?? 0);
  };

  beforeAll(async () => {
    sales = await seedSalesTenant(stack, 'bi-cache', 4);
    const registered = await gqlOk<{ registerPersistedQuery: { sha256: string } }>(stack.gatewayUrl, REGISTER, { input: { name: 'board', document: BOARD } }, { token: sales.admin.token });
    boardHash = registered.registerPersistedQuery.sha256;
    variables = JSON.stringify({ p: sales.pipeline.id });
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop();
  });

  it('answers a repeated GET from the cache without running the pipeline, with the same body and ETag, and 304s', async () => {
    const gateway = await cachingGateway();
    const first = await gateway.get(sales.admin.token);
    expect(first.status).toBe(200);
    expect(gateway.seen.runs).toBeGreaterThan(0);
    expect(namesOf(first.text)).toEqual(['bi-cache deal 0', 'bi-cache deal 1', 'bi-cache deal 2', 'bi-cache deal 3']);
    const etag = first.headers.get('etag')!;
    const queriesOk = 'gateway_requests_total{operation_type="query",outcome="ok"}';
    const okBefore = await metric(gateway.at, queriesOk);

    const again = await gateway.fromCacheOnly(sales.admin.token);
    expect(again.text).toBe(first.text);
    for (const header of ['etag', 'cache-control', 'vary', 'content-type']) expect(again.headers.get(header)).toBe(first.headers.get(header));
    expect(again.headers.get('etag')).toBe(etag);
    // counted in /metrics as a query through the pipeline would be, and as a response cache hit
    expect(await metric(gateway.at, queriesOk)).toBeGreaterThan(okBefore);
    expect(await metric(gateway.at, 'gateway_response_cache_requests_total{result="hit"}')).toBeGreaterThan(0);

    const conditional = await gateway.fromCacheOnly(sales.admin.token, { 'if-none-match': etag });
    expect(conditional.status).toBe(304);
    expect(conditional.text).toBe('');
    expect(conditional.headers.get('etag')).toBe(etag);
    expect(conditional.headers.get('cache-control')).toBe('private, max-age=0, must-revalidate');
  });

  it('shows a rename made through the same gateway on the next GET, and one made elsewhere once its event arrives', async () => {
    const gateway = await cachingGateway();
    const [deal] = sales.deals as [SalesTenant['deals'][0]];
    const before = await gateway.get(sales.admin.token);
    const cached = await gateway.fromCacheOnly(sales.admin.token);
    expect(cached.text).toBe(before.text);

    const renamed = `bi-cache renamed ${randomUUID().slice(0, 6)}`;
    await gqlOk(gateway.url, 'mutation($id: ID!, $input: UpdateDealInput!) { updateDeal(id: $id, input: $input) { id } }', { id: deal.id, input: { name: renamed } }, { token: sales.admin.token });
    const runs = gateway.seen.runs;
    const next = await gateway.get(sales.admin.token, { 'if-none-match': before.headers.get('etag')! });
    expect(next.status).toBe(200);
    expect(namesOf(next.text)).toContain(renamed);
    expect(gateway.seen.runs).toBeGreaterThan(runs);
    const nextCached = await gateway.fromCacheOnly(sales.admin.token);
    expect(nextCached.text).toBe(next.text);
    expect(nextCached.headers.get('etag')).toBe(next.headers.get('etag'));
    expect(next.headers.get('etag')).not.toBe(before.headers.get('etag'));

    // through the stack's own gateway: this one learns of it from the sales event on Kafka
    const elsewhere = `bi-cache elsewhere ${randomUUID().slice(0, 6)}`;
    await gqlOk(stack.gatewayUrl, 'mutation($id: ID!, $input: UpdateDealInput!) { updateDeal(id: $id, input: $input) { id } }', { id: deal.id, input: { name: elsewhere } }, { token: sales.admin.token });
    const after = await eventually(async () => {
      const response = await gateway.get(sales.admin.token);
      return namesOf(response.text).includes(elsewhere) ? response : null;
    }, 15_000, 50);
    expect(namesOf(after.text)).not.toContain(renamed);
    expect((await gateway.fromCacheOnly(sales.admin.token)).text).toBe(after.text);
  });

  it("never gives another caller of the tenant the first caller's entry", async () => {
    const gateway = await cachingGateway();
    const admin = await gateway.get(sales.admin.token);
    await gateway.fromCacheOnly(sales.admin.token);

    const { runs, salesFetches } = gateway.seen;
    const misses = gateway.cache.stats().misses;
    const rep = await gateway.get(sales.rep.token);
    expect(rep.status).toBe(200);
    // the rep's own read ran through the pipeline, as the rep, and sees only the rep's deals
    expect(gateway.seen.runs).toBeGreaterThan(runs);
    expect(gateway.seen.salesFetches).toBeGreaterThan(salesFetches);
    expect(gateway.cache.stats().misses).toBe(misses + 1);
    const repDeals = sales.deals.filter((_, i) => i % 2 === 1).map((deal) => deal.name);
    expect(namesOf(rep.text)).toEqual(expect.arrayContaining(repDeals));
    expect(namesOf(rep.text)).not.toEqual(namesOf(admin.text));
    expect(rep.headers.get('etag')).not.toBe(admin.headers.get('etag'));

    // each then gets their own answer from the cache
    expect((await gateway.fromCacheOnly(sales.rep.token)).text).toBe(rep.text);
    expect((await gateway.fromCacheOnly(sales.admin.token)).text).toBe(admin.text);
  });

  it("charges cached answers to the tenant's cost budget and refuses them with 429 once it is spent, as the pipeline does", async () => {
    const midMinute = Math.floor(Date.now() / 60_000) * 60_000 + 30_000;
    const budgetPerMinute = 1_000;
    const gateway = await cachingGateway({ demandControl: { budgetPerMinute, clock: () => midMinute } });
    const first = await gateway.get(sales.admin.token);
    expect(first.status).toBe(200);
    // 50 deals × (deal + stage)
    const estimated = (JSON.parse(first.text) as { extensions: { cost: { estimated: number } } }).extensions.cost.estimated;
    expect(estimated).toBe(100);

    // the first cached answer, then more until the budget is spent: none runs the pipeline
    await gateway.fromCacheOnly(sales.admin.token);
    const runs = gateway.seen.runs;
    let refused = await gateway.get(sales.admin.token);
    let served = 0;
    while (refused.status === 200 && served < 20) {
      served++;
      refused = await gateway.get(sales.admin.token);
    }
    expect(refused.status).toBe(429);
    expect(gateway.seen.runs).toBe(runs);
    expect(served).toBeLessThan(budgetPerMinute / estimated);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(refused.headers.get('cache-control')).toBe('private, max-age=0, must-revalidate');
    expect(refused.headers.get('vary')).toBe('Origin, Authorization, X-Api-Key');
    const error = errorOf(refused.text) as { message: string; extensions: Record<string, unknown> };
    expect(error).toEqual({
      message: `Cost budget of ${budgetPerMinute} points per minute exhausted; retry in 30 s`,
      extensions: { code: 'RATE_LIMITED', estimated, remaining: expect.any(Number), retryAfterSeconds: 30 },
    });
    expect(error.extensions['remaining']).toBeLessThan(estimated);
    expect(await metric(gateway.at, 'gateway_rejections_total{reason="cost_budget"}')).toBeGreaterThan(0);
    expect(await metric(gateway.at, 'gateway_requests_total{operation_type="query",outcome="RATE_LIMITED"}')).toBeGreaterThan(0);

    // the same read of another pipeline is not cached: the pipeline refuses it, in the same words
    const uncached = await gateway.get(sales.admin.token, {}, JSON.stringify({ p: randomUUID() }));
    expect(gateway.seen.runs).toBeGreaterThan(runs);
    expect(uncached.status).toBe(429);
    for (const header of ['retry-after', 'cache-control', 'vary', 'content-type']) expect(uncached.headers.get(header)).toBe(refused.headers.get(header));
    expect(errorOf(uncached.text)).toEqual({ ...error, extensions: { ...error.extensions, remaining: expect.any(Number) } });
    expect(Object.keys(JSON.parse(uncached.text) as object)).toEqual(['errors']);
  });
});
