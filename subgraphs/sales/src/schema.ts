/**
 * The sales subgraph's schema: each module's SDL with its resolvers, ready for `buildSubgraphSchema`.
 */
import { readFileSync } from 'node:fs';
import type { GraphQLSchemaModule } from '@crm/runtime';
import { parse } from 'graphql';
import type { Resolvers } from './__generated__/resolvers-types.ts';
import { resolvers as activities } from './modules/activities/resolvers/index.ts';
import { resolvers as common } from './modules/common/resolvers/index.ts';
import { resolvers as dealPeople } from './modules/deal-people/resolvers/index.ts';
import { resolvers as deals } from './modules/deals/resolvers/index.ts';
import { resolvers as forecasting } from './modules/forecasting/resolvers/index.ts';
import { resolvers as lineItems } from './modules/line-items/resolvers/index.ts';
import { resolvers as pipelines } from './modules/pipelines/resolvers/index.ts';
import { resolvers as products } from './modules/products/resolvers/index.ts';
import { personalDataResolvers as personalData } from './modules/personal-data/resolvers/index.ts';

const MODULES: ReadonlyArray<readonly [name: string, resolvers: Resolvers]> = [
  ['common', common],
  ['pipelines', pipelines],
  ['deals', deals],
  ['forecasting', forecasting],
  ['activities', activities],
  ['products', products],
  ['line-items', lineItems],
  ['deal-people', dealPeople],
  ['personal-data', personalData],
];

/** Absolute path of a module's SDL file. */
export const sdlPathOf = (module: string): string => new URL(`./modules/${module}/schema.graphql`, import.meta.url).pathname;

export function salesSchemaModules(): GraphQLSchemaModule[] {
  return MODULES.map(([name, resolvers]) => ({
    typeDefs: parse(readFileSync(sdlPathOf(name), 'utf8')),
    resolvers: resolvers as GraphQLSchemaModule['resolvers'],
  }));
}
