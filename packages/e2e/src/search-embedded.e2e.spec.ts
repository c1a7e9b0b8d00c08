/**
 * Global search on the embedded database (PGlite, which has no pg_trgm): whole words and prefixes
 * match through the gateway; a misspelled name finds nothing rather than failing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemoTenant, DEMO, login, type Stack } from '@crm/stack';
import { gqlOk, startEmbeddedStack } from '@crm/testkit';

let stack: Stack;
let token: string;

beforeAll(async () => {
  stack = await startEmbeddedStack();
  expect(await seedDemoTenant(stack)).toBe(true);
  token = await login(stack.gatewayUrl, DEMO.users[0]!.email, DEMO.password, DEMO.tenantSlug);
});
afterAll(async () => {
  await stack?.stop();
});

const SEARCH = 'query($q: String!) { search(query: $q) { hits { type matchedField matchedText record { ... on Account { name } ... on Contact { name } } } } }';
type Hits = { search: { hits: { type: string; matchedField: string; matchedText: string; record: { name: string } }[] } };
const search = async (q: string) => (await gqlOk<Hits>(stack.gatewayUrl, SEARCH, { q }, { token })).search.hits;

it('matches words and prefixes without pg_trgm', async () => {
  await gqlOk(stack.gatewayUrl, 'mutation { createContact(input: { firstName: "Grace", lastName: "Hopper", email: "grace@initech.example" }) { id } }', {}, { token });
  expect((await search('umbr')).map((hit) => [hit.type, hit.record.name])).toEqual([['ACCOUNT', 'Umbrella Health']]);
  const initech = await search('initech');
  expect(initech.map((hit) => [hit.type, hit.matchedField])).toEqual([
    ['ACCOUNT', 'NAME'],
    ['CONTACT', 'EMAIL'],
  ]);
  expect((await search('grace hop')).map((hit) => hit.record.name)).toEqual(['Grace Hopper']);
  expect(await search('Initeck')).toEqual([]);
});
