/**
 * Global search through the gateway on real PostgreSQL (with pg_trgm): whole words, prefixes and
 * typos across contacts, accounts and leads, ranked, with highlights; the caller's read scope
 * (own, team, tenant) and tenancy decide what can be found; bad arguments are BAD_USER_INPUT.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createTenantWithUsers, gql, gqlOk, startRealStack } from '@crm/testkit';

let stack: Stack;
type User = { id: string; token: string };
let admin: User;
let managerA: User;
let repA: User;
let repB: User;
let otherAdmin: User;
/** A word unique to this run, so other tests' records never match. */
const marker = `zq${randomUUID().replace(/[^a-f]/g, '').slice(0, 6)}`;

const SEARCH = /* GraphQL */ `
  query Search($q: String!, $types: [SearchableType!], $first: Int! = 20) {
    search(query: $q, types: $types, first: $first) {
      hits {
        type score matchedField matchedText highlights { start length }
        record {
          __typename
          ... on Contact { id name owner { id } }
          ... on Account { id name }
          ... on Lead { id name }
        }
      }
    }
  }
`;

interface Hit {
  type: 'CONTACT' | 'ACCOUNT' | 'LEAD';
  score: number;
  matchedField: string;
  matchedText: string;
  highlights: { start: number; length: number }[];
  record: { __typename: string; id: string; name: string; owner?: { id: string } | null };
}

const search = async (user: User, q: string, extra: Record<string, unknown> = {}) =>
  (await gqlOk<{ search: { hits: Hit[] } }>(stack.gatewayUrl, SEARCH, { q, ...extra }, { token: user.token })).search.hits;
const names = (hits: Hit[]) => hits.map((hit) => hit.record.name);

async function create(user: User, mutation: 'createContact' | 'createAccount' | 'createLead', input: Record<string, unknown>): Promise<string> {
  const type = { createContact: 'CreateContactInput', createAccount: 'CreateAccountInput', createLead: 'CreateLeadInput' }[mutation];
  const data = await gqlOk<Record<string, { id: string }>>(stack.gatewayUrl, `mutation($input: ${type}!) { ${mutation}(input: $input) { id } }`, { input }, { token: user.token });
  return data[mutation]!.id;
}

beforeAll(async () => {
  stack = await startRealStack();
  const slug = `search-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const person = (key: string, role: 'TENANT_ADMIN' | 'SALES_MANAGER' | 'SALES_REP') => ({ email: `${key}@${slug}.test`, name: key, role, password });
  const { users } = await createTenantWithUsers(stack, { name: `Search ${slug}`, slug }, [
    person('admin', 'TENANT_ADMIN'),
    person('managera', 'SALES_MANAGER'),
    person('repa', 'SALES_REP'),
    person('managerb', 'SALES_MANAGER'),
    person('repb', 'SALES_REP'),
  ]);
  const [a, ma, ra, managerB, rb] = users as unknown as [User, User, User, User, User];
  [admin, managerA, repA, repB] = [a, ma, ra, rb];
  const asAdmin = <T>(query: string, variables: Record<string, unknown>) => gqlOk<T>(stack.gatewayUrl, query, variables, { token: admin.token });
  const team = async (name: string, manager: User, members: User[]) => {
    const { createTeam } = await asAdmin<{ createTeam: { id: string } }>('mutation($input: CreateTeamInput!) { createTeam(input: $input) { id } }', { input: { name, managerId: manager.id } });
    for (const member of members) await asAdmin('mutation($u: ID!, $t: ID) { assignUserToTeam(userId: $u, teamId: $t) { id } }', { u: member.id, t: createTeam.id });
  };
  await team('Team A', managerA, [repA]);
  await team('Team B', managerB, [repB]);

  await create(repA, 'createContact', { firstName: 'Katherine', lastName: `Johnson ${marker}`, email: `katherine.johnson@${marker}.example` });
  await create(repB, 'createContact', { firstName: 'Katrina', lastName: `Jones ${marker}`, email: `kjones@${marker}.example` });
  await create(admin, 'createContact', { firstName: 'Dorothy', lastName: `Vaughan ${marker}` });
  await create(admin, 'createAccount', { name: `Langley Research ${marker}`, domain: `langley-${marker}.example`, industry: 'Aerospace' });
  await create(repA, 'createLead', { name: `Mary Jackson ${marker}`, company: 'Langley Computing', email: `mary@${marker}.example` });

  const other = `search-other-${randomUUID().slice(0, 8)}`;
  const tenant = await createTenantWithUsers(stack, { name: `Search ${other}`, slug: other }, [
    { email: `admin@${other}.test`, name: 'other admin', role: 'TENANT_ADMIN', password },
  ]);
  otherAdmin = tenant.users[0] as unknown as User;
  await create(otherAdmin, 'createContact', { firstName: 'Katherine', lastName: `Johnson ${marker}`, email: `katherine@${marker}.example` });
});
afterAll(async () => {
  await stack?.stop();
});

describe('search', () => {
  it('finds whole words across contacts, accounts and leads, ranked, with the matched field highlighted', async () => {
    const hits = await search(admin, `${marker}`);
    expect(hits.map((hit) => hit.type).sort()).toEqual(['ACCOUNT', 'CONTACT', 'CONTACT', 'CONTACT', 'LEAD']);
    expect(hits.map((hit) => hit.score)).toEqual([...hits.map((hit) => hit.score)].sort((a, b) => b - a));

    const [contact] = await search(admin, `katherine johnson ${marker}`);
    expect(contact).toMatchObject({ type: 'CONTACT', matchedField: 'NAME', record: { __typename: 'Contact', name: `Katherine Johnson ${marker}` } });
    expect(contact!.highlights.map(({ start, length }) => contact!.matchedText.slice(start, length + start))).toEqual(['Katherine', 'Johnson', marker]);

    const [account] = await search(admin, `aerospace ${marker}`, { types: ['ACCOUNT'] });
    expect(account).toMatchObject({ type: 'ACCOUNT', record: { __typename: 'Account', name: `Langley Research ${marker}` } });
    const leads = await search(admin, `langley ${marker}`, { types: ['LEAD'] });
    expect(leads.map((hit) => [hit.record.__typename, hit.record.name])).toEqual([['Lead', `Mary Jackson ${marker}`]]);
    // a name match ranks above a company match
    const both = await search(admin, `langley ${marker}`);
    expect(both.map((hit) => hit.type)).toEqual(['ACCOUNT', 'LEAD']);
  });

  it('reads the hits and their records in one statement (no record loader queries)', async () => {
    const statements = stack.subgraphs.customer.database.statements;
    statements.reset();
    const hits = await search(admin, `${marker}`);
    expect(hits).toHaveLength(5);
    const recordQueries = statements.queries.filter((sql) => /FROM "public"\."(Contact|Account|Lead)"/.test(sql));
    expect(recordQueries).toEqual([]);
    expect(statements.queries.filter((sql) => sql.includes('websearch_to_tsquery'))).toHaveLength(1);
  });

  it('matches prefixes for type-ahead, e-mail parts, and names with typos', async () => {
    // best first: the prefix match; a similar name (Katrina) may follow
    expect(names(await search(admin, `kath ${marker}`))[0]).toBe(`Katherine Johnson ${marker}`);
    expect(names(await search(admin, `kat ${marker.slice(0, 5)}`, { types: ['CONTACT'] })).sort()).toEqual([`Katherine Johnson ${marker}`, `Katrina Jones ${marker}`]);
    const byEmail = await search(admin, `kjones@${marker}.example`);
    expect(byEmail.map((hit) => [hit.record.name, hit.matchedField])).toEqual([[`Katrina Jones ${marker}`, 'EMAIL']]);
    // a typo in the name still finds the contact (trigram word similarity)
    const typo = await search(admin, `dorothy vaugham ${marker}`);
    expect(names(typo)[0]).toBe(`Dorothy Vaughan ${marker}`);
    const typoOnly = await search(admin, 'Dorthy Vaughan');
    expect(names(typoOnly)).toContain(`Dorothy Vaughan ${marker}`);
  });

  it('finds only what the caller may list: own for a rep, the team for a manager, never another tenant', async () => {
    expect(names(await search(repA, `${marker}`)).sort()).toEqual([`Katherine Johnson ${marker}`, `Mary Jackson ${marker}`]);
    expect(names(await search(repB, `${marker}`))).toEqual([`Katrina Jones ${marker}`]);
    expect(names(await search(repA, `katrina jones ${marker}`))).toEqual([]);
    expect(names(await search(managerA, `${marker}`, { types: ['CONTACT'] }))).toEqual([`Katherine Johnson ${marker}`]);
    const mine = await search(otherAdmin, `${marker}`);
    expect(mine.map((hit) => hit.record.name)).toEqual([`Katherine Johnson ${marker}`]);
    const theirs = await search(admin, `katherine ${marker}`, { types: ['CONTACT'] });
    expect(theirs.map((hit) => hit.record.id)).not.toContain(mine[0]!.record.id);
    expect(theirs).toHaveLength(1);
  });

  it('refuses an empty, overlong or wordless query, no types and first out of range with BAD_USER_INPUT', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['   ', {}, 'query'],
      ['x'.repeat(201), {}, 'query'],
      ['?!*', {}, 'query'],
      ['katherine', { first: 51 }, 'first'],
      ['katherine', { first: 0 }, 'first'],
      ['katherine', { types: [] }, 'types'],
    ];
    for (const [q, extra, field] of cases) {
      const result = await gql(stack.gatewayUrl, SEARCH, { q, ...extra }, { token: admin.token });
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions?.['code'], `${field}: ${q.slice(0, 10)}`).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toContain(field);
    }
  });
});
