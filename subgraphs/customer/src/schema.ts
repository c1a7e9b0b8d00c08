/** The customer subgraph's modules: each module's SDL with its resolvers. */
import { readFileSync } from 'node:fs';
import { gql } from 'graphql-tag';
import type { GraphQLSchemaModule } from '@apollo/subgraph';
import type { Resolvers } from './__generated__/resolvers-types.ts';
import { resolvers as accounts } from './modules/accounts/index.ts';
import { resolvers as common } from './modules/common/index.ts';
import { resolvers as contacts } from './modules/contacts/index.ts';
import { resolvers as customFields } from './modules/custom-fields/index.ts';
import { resolvers as leadAssignment } from './modules/lead-assignment/index.ts';
import { resolvers as leadCapture } from './modules/lead-capture/index.ts';
import { resolvers as leadConversion } from './modules/lead-conversion/index.ts';
import { resolvers as leadScoring } from './modules/lead-scoring/index.ts';
import { resolvers as leads } from './modules/leads/index.ts';
import { resolvers as imports } from './modules/imports/index.ts';
import { resolvers as search } from './modules/search/index.ts';
import { resolvers as personalData } from './modules/personal-data/resolvers/index.ts';

const sdl = (module: string) => gql(readFileSync(new URL(`./modules/${module}/schema.graphql`, import.meta.url), 'utf8'));

const modules: [string, Resolvers][] = [
  ['common', common],
  ['accounts', accounts],
  ['contacts', contacts],
  ['leads', leads],
  ['custom-fields', customFields],
  ['lead-conversion', leadConversion],
  ['imports', imports],
  ['lead-scoring', leadScoring],
  ['lead-assignment', leadAssignment],
  ['lead-capture', leadCapture],
  ['search', search],
  ['personal-data', personalData],
];

export function customerSchemaModules(): GraphQLSchemaModule[] {
  return modules.map(([name, resolvers]) => ({ typeDefs: sdl(name), resolvers }));
}
