/** The integration subgraph's modules: each module's SDL with its resolvers. */
import { readFileSync } from 'node:fs';
import type { GraphQLSchemaModule } from '@apollo/subgraph';
import { gql } from 'graphql-tag';
import type { Resolvers } from './__generated__/resolvers-types.ts';
import { resolvers as common } from './modules/common/index.ts';
import { resolvers as webhooks } from './modules/webhooks/index.ts';

const sdl = (module: string) => gql(readFileSync(new URL(`./modules/${module}/schema.graphql`, import.meta.url), 'utf8'));

const modules: [string, Resolvers][] = [
  ['common', common],
  ['webhooks', webhooks],
];

export function integrationSchemaModules(): GraphQLSchemaModule[] {
  return modules.map(([name, resolvers]) => ({ typeDefs: sdl(name), resolvers }));
}
