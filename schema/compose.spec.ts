import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { composeSupergraph, CompositionError, unacceptedHints, type SubgraphSdl } from './compose.ts';

const link = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])';
const fixtures: SubgraphSdl[] = [
  { name: 'sales', sdl: `${link}\n"A deal."\ntype Deal @key(fields: "id") { id: ID! name: String! account: Account }\ntype Account @key(fields: "id", resolvable: false) { id: ID! }\ntype Query { deals: [Deal!]! }` },
  { name: 'customer', sdl: `${link}\n"A company."\ntype Account @key(fields: "id") { id: ID! name: String! }\ntype Query { accounts: [Account!]! }` },
];

describe('composeSupergraph', () => {
  it('composes subgraphs into a supergraph with placeholder urls and a client schema', () => {
    const { supergraphSdl, apiSchemaSdl } = composeSupergraph({ subgraphs: fixtures });
    expect(supergraphSdl).toContain('join__graph(name: "sales", url: "http://sales.crm.internal/graphql")');
    expect(supergraphSdl).toContain('join__graph(name: "customer", url: "http://customer.crm.internal/graphql")');
    expect(apiSchemaSdl).toContain('type Account {\n  id: ID!\n  name: String!\n}');
    expect(apiSchemaSdl).not.toContain('join__');
  });

  it('reports hints that nobody accepted yet', () => {
    const withHint: SubgraphSdl[] = [{ ...fixtures[0]!, sdl: fixtures[0]!.sdl.replace('type Account', '"An organisation."\ntype Account') }, fixtures[1]!];
    const { hints } = composeSupergraph({ subgraphs: withHint });
    expect(hints.map((hint) => hint.code)).toContain('INCONSISTENT_DESCRIPTION');
    expect(unacceptedHints(hints, [])).toEqual(hints);
    expect(unacceptedHints(hints, hints)).toEqual([]);
  });

  it('fails with every composition error', () => {
    const broken: SubgraphSdl[] = [fixtures[0]!, { name: 'customer', sdl: `${link}\ntype Account @key(fields: "id") { id: ID! name: String! }\ntype Query { deals: [Account!]! }` }];
    expect(() => composeSupergraph({ subgraphs: broken })).toThrow(CompositionError);
    expect(() => composeSupergraph({ subgraphs: [{ name: 'sales', sdl: 'type {' }] })).toThrow(/subgraph "sales"/);
  });
});

describe('the committed supergraph', () => {
  it('matches the subgraph SDL (run `pnpm compose` after changing a schema)', () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..');
    const check = spawnSync(process.execPath, ['--import', 'tsx', 'schema/compose.ts', '--check'], { cwd: root, encoding: 'utf8' });
    expect({ status: check.status, output: check.stderr }).toEqual({ status: 0, output: '' });
  });
});
