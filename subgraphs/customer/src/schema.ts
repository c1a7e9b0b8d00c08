/** The customer subgraph's modules: each module's SDL with its resolvers. */
import { readFileSync } from 'node:fs';
import { gql } from 'graphql-tag';
import type { GraphQLSchemaModule } from '@apollo/subgraph';
import type { Resolvers } from './__generated__/resolvers-types.ts';
import { resolvers as accounts } from './modules/accounts/index.ts';
import { resolvers as common } from './modules/common/index.ts';
import { resolvers as contacts } from './modules/contacts/index.ts';
import { resolvers as customFields } from './modules/custom-fields/index.ts';
import { resolvers as leadConversion } from './modules/lead-conversion/index.ts';
import { resolvers as leads } from './modules/leads/index.ts';

const sdl = (module: string) => gql(readFileSync(new URL(`./modules/${module}/schema.graphql`, import.meta.url), 'utf8'));

const modules: [string, Resolvers][] = [
  ['common', common],
  ['accounts', accounts],
  ['contacts', contacts],
  ['leads', leads],
  ['custom-fields', customFields],
  ['lead-conversion', leadConversion],
];

export function customerSchemaModules(): GraphQLSchemaModule[] {
  return modules.map(([name, resolvers]) => ({ typeDefs: sdl(name), resolvers }));
}
