import { describe, expect, it } from 'vitest';
import { buildSchema, parse } from '../graphql.ts';
import { declaresAfter, locateList, pageOf } from './shape.ts';

const schema = buildSchema(/* GraphQL */ `
  type Query {
    contactsConnection(first: Int, after: String): ContactConnection!
    contacts(first: Int): [Contact!]!
    tags: [String!]!
    viewer: Viewer
    count: Int!
  }
  type Viewer { name: String! team: Team }
  type Team { contacts: [Contact!]! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type ContactEdge { cursor: String! node: Contact! }
  type ContactConnection { edges: [ContactEdge!]! nodes: [Contact!]! pageInfo: PageInfo! totalCount: Int! }
  interface Named { name: String! }
  type Account implements Named { name: String! domain: String }
  type Contact { id: ID! firstName: String owner: Owner account: Account emails: [String!]! accounts: [Account!]! }
  type Owner { name: String! team: OwnerTeam }
  type OwnerTeam { name: String! }
`);

describe('locating the list of a persisted query', () => {
  it('finds a connection with its node columns flattened and its page info, through fragments and aliases', () => {
    const document = parse(/* GraphQL */ `
      query Contacts($after: String) {
        count
        list: contactsConnection(first: 100, after: $after) {
          totalCount
          pageInfo { more: hasNextPage endCursor }
          edges { cursor n: node { ...C owner { name team { name } } account { ... on Named { name } } } }
        }
      }
      fragment C on Contact { id firstName emails accounts { name } id }
    `);
    const location = locateList(schema, document);
    expect(location).toEqual({
      containerPath: ['list'],
      listKey: 'edges',
      nodeKey: 'n',
      pageInfo: { key: 'pageInfo', hasNextPage: 'more', endCursor: 'endCursor' },
      columns: ['id', 'firstName', 'emails', 'accounts', 'owner.name', 'owner.team.name', 'account.name'],
      scalarItems: false,
    });
    expect(declaresAfter(document)).toBe(true);

    const data = {
      count: 3,
      list: { totalCount: 3, pageInfo: { more: true, endCursor: 'c2' }, edges: [{ cursor: 'c1', n: { id: '1' } }, { cursor: 'c2', n: { id: '2' } }] },
    };
    expect(pageOf(location!, data)).toEqual({ rows: [{ id: '1' }, { id: '2' }], next: 'c2' });
    expect(pageOf(location!, { list: { ...data.list, pageInfo: { more: false, endCursor: 'c2' } } }).next).toBeNull();
    expect(pageOf(location!, { list: null })).toEqual({ rows: [], next: null });
  });

  it('finds plain lists, nested lists and lists of scalars', () => {
    const plain = locateList(schema, parse('{ contacts(first: 5) { id __typename } }'));
    expect(plain).toMatchObject({ containerPath: [], listKey: 'contacts', nodeKey: null, pageInfo: null, columns: ['id', '__typename'] });
    expect(pageOf(plain!, { contacts: [{ id: 'a' }] })).toEqual({ rows: [{ id: 'a' }], next: null });

    const nested = locateList(schema, parse('{ viewer { name team { contacts { id } } } }'));
    expect(nested).toMatchObject({ containerPath: ['viewer', 'team'], listKey: 'contacts', columns: ['id'] });

    const nodes = locateList(schema, parse('query($after: String) { contactsConnection(after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }'));
    expect(nodes).toMatchObject({ containerPath: ['contactsConnection'], listKey: 'nodes', nodeKey: null, pageInfo: { key: 'pageInfo' } });

    expect(locateList(schema, parse('{ tags }'))).toMatchObject({ listKey: 'tags', columns: ['tags'], scalarItems: true });
    expect(declaresAfter(parse('{ tags }'))).toBe(false);
  });

  it('finds nothing in a query without a list', () => {
    expect(locateList(schema, parse('{ count viewer { name } }'))).toBeNull();
  });
});
