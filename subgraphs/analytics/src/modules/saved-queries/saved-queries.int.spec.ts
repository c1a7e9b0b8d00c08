/**
 * Persisted queries in the analytics subgraph over HTTP, on real PostgreSQL with row-level
 * security: who may register and delete, validation, unique names per tenant, pages, lookups by
 * name or id, tenant isolation and the outbox events.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@crm/runtime';
import { identityOf, startAnalyticsHarness, type AnalyticsHarness } from '../../testing/harness.ts';
import { PERSISTED_QUERY_DELETED, PERSISTED_QUERY_REGISTERED } from './services/persisted-queries.ts';

let harness: AnalyticsHarness;

beforeAll(async () => {
  harness = await startAnalyticsHarness();
});
afterAll(async () => {
  await harness?.close();
});

const as = (tenantId: string, role: string): Identity => ({ ...identityOf(tenantId), roles: [role] });

const REGISTER = /* GraphQL */ `
  mutation Register($input: RegisterPersistedQueryInput!) {
    registerPersistedQuery(input: $input) { id name document sha256 operationName paginates createdAt }
  }
`;
const LIST = /* GraphQL */ `
  query List($first: Int, $after: String) {
    persistedQueries(first: $first, after: $after) {
      edges { cursor node { id name } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }
`;
const FIND = /* GraphQL */ `
  query Find($nameOrId: String!) { persistedQuery(nameOrId: $nameOrId) { id name document } }
`;
const DELETE = /* GraphQL */ `
  mutation Delete($id: ID!) { deletePersistedQuery(id: $id) }
`;
const CONTACTS = 'query Contacts($after: String) { contactsConnection(first: 100, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }';

type Registered = { registerPersistedQuery: { id: string; name: string; sha256: string; operationName: string | null; paginates: boolean } };
type Listed = { persistedQueries: { edges: { cursor: string; node: { id: string; name: string } }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null } } };

describe('persisted queries', () => {
  it('lets admins and managers register, refuses reps, and keeps names unique per tenant', async () => {
    const tenantId = randomUUID();
    const created = await harness.graphql<Registered>(REGISTER, { input: { name: 'contacts', document: CONTACTS } }, as(tenantId, 'TENANT_ADMIN'));
    expect(created.errors).toBeUndefined();
    expect(created.data?.registerPersistedQuery).toMatchObject({ name: 'contacts', operationName: 'Contacts', paginates: true, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const manager = await harness.graphql<Registered>(REGISTER, { input: { name: 'summary', document: '{ pipelineSummary(pipelineId: "x") { dealCount } }' } }, as(tenantId, 'SALES_MANAGER'));
    expect(manager.data?.registerPersistedQuery).toMatchObject({ name: 'summary', operationName: null, paginates: false });

    const rep = await harness.graphql(REGISTER, { input: { name: 'mine', document: CONTACTS } }, as(tenantId, 'SALES_REP'));
    expect(rep.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const duplicate = await harness.graphql(REGISTER, { input: { name: 'contacts', document: '{ a }' } }, as(tenantId, 'TENANT_ADMIN'));
    expect(duplicate.errors?.[0]).toMatchObject({ message: 'A persisted query named "contacts" already exists', extensions: { code: 'CONFLICT' } });

    const elsewhere = await harness.graphql<Registered>(REGISTER, { input: { name: 'contacts', document: CONTACTS } }, as(randomUUID(), 'TENANT_ADMIN'));
    expect(elsewhere.errors).toBeUndefined();

    const events = await harness.subgraph.prisma.outboxEvent.findMany({ where: { tenantId } });
    expect(events.map((event) => event.type).sort()).toEqual([PERSISTED_QUERY_REGISTERED, PERSISTED_QUERY_REGISTERED]);
  });

  it('refuses documents that are not a single query and names that are not URL-safe', async () => {
    const admin = as(randomUUID(), 'TENANT_ADMIN');
    const cases: [Record<string, string>, string][] = [
      [{ name: 'bad', document: 'query {' }, 'input.document'],
      [{ name: 'bad', document: 'mutation { deletePersistedQuery(id: "x") }' }, 'input.document'],
      [{ name: 'bad', document: 'query A { a } query B { b }' }, 'input.document'],
      [{ name: 'has space', document: '{ a }' }, 'input.name'],
      [{ name: randomUUID(), document: '{ a }' }, 'input.name'],
    ];
    for (const [input, field] of cases) {
      const result = await harness.graphql(REGISTER, { input }, admin);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const list = await harness.graphql<Listed>(LIST, {}, admin);
    expect(list.data?.persistedQueries.edges).toEqual([]);
  });

  it('lists newest first page by page, finds by name or id, isolates tenants and deletes', async () => {
    const tenantId = randomUUID();
    const admin = as(tenantId, 'TENANT_ADMIN');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const created = await harness.graphql<Registered>(REGISTER, { input: { name: `q${i}`, document: `{ q${i} }` } }, admin);
      ids.push(created.data!.registerPersistedQuery.id);
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Listed = (await harness.graphql<Listed>(LIST, { first: 2, after }, as(tenantId, 'SALES_REP'))).data!;
      seen.push(...page.persistedQueries.edges.map((edge) => edge.node.name));
      expect(page.persistedQueries.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!page.persistedQueries.pageInfo.hasNextPage) break;
      after = page.persistedQueries.pageInfo.endCursor;
    }
    expect(seen).toEqual(['q4', 'q3', 'q2', 'q1', 'q0']);

    const byName = await harness.graphql(FIND, { nameOrId: 'q1' }, as(tenantId, 'SALES_REP'));
    expect(byName.data).toEqual({ persistedQuery: { id: ids[1], name: 'q1', document: '{ q1 }' } });
    const byId = await harness.graphql(FIND, { nameOrId: ids[2] }, admin);
    expect(byId.data).toEqual({ persistedQuery: { id: ids[2], name: 'q2', document: '{ q2 }' } });

    const stranger = as(randomUUID(), 'TENANT_ADMIN');
    expect((await harness.graphql(FIND, { nameOrId: 'q1' }, stranger)).data).toEqual({ persistedQuery: null });
    expect((await harness.graphql(FIND, { nameOrId: ids[1] }, stranger)).data).toEqual({ persistedQuery: null });
    expect((await harness.graphql(DELETE, { id: ids[1] }, stranger)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await harness.graphql(DELETE, { id: ids[1] }, as(tenantId, 'SALES_REP'))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    expect((await harness.graphql(DELETE, { id: ids[1] }, admin)).data).toEqual({ deletePersistedQuery: true });
    expect((await harness.graphql(FIND, { nameOrId: 'q1' }, admin)).data).toEqual({ persistedQuery: null });
    expect((await harness.graphql(DELETE, { id: ids[1] }, admin)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await harness.graphql(DELETE, { id: 'not-an-id' }, admin)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const deleted = await harness.subgraph.prisma.outboxEvent.count({ where: { tenantId, type: PERSISTED_QUERY_DELETED } });
    expect(deleted).toBe(1);

    const badCursor = await harness.graphql(LIST, { after: 'nonsense' }, admin);
    expect(badCursor.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const tooMany = await harness.graphql(LIST, { first: 101 }, admin);
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});
