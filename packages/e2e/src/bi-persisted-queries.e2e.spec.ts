/**
 * Named persisted queries for BI tools through the gateway on real PostgreSQL, Redis and Kafka:
 * registration through the API, `GET /bi/queries/<name-or-id>` as JSON and as CSV across pages
 * (250 contacts, 100 per page), ETags with 304s, the caller's own permissions and tenant, and
 * clear errors for bad input.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createTenantWithUsers, gql, gqlOk, startRealStack } from '@crm/testkit';

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

/** GET /bi/queries/<ref> with a token; `query` holds the URL parameters. */
async function bi(ref: string, token: string | undefined, query: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const url = `${base}/bi/queries/${encodeURIComponent(ref)}?${new URLSearchParams(query)}`;
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
