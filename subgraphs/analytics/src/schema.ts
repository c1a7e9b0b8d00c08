/**
 * The analytics subgraph schema: each module's SDL with its resolvers, plus the shared scalars.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GraphQLSchemaModule } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { Resolvers } from './__generated__/resolvers-types.ts';
import { Pipeline } from './modules/pipeline-summary/resolvers/Pipeline.ts';
import { CurrencyAmount } from './modules/pipeline-summary/resolvers/CurrencyAmount.ts';
import { PipelineSummary } from './modules/pipeline-summary/resolvers/PipelineSummary.ts';
import { StageSummary } from './modules/pipeline-summary/resolvers/StageSummary.ts';
import { Query } from './modules/pipeline-summary/resolvers/Query.ts';
import { Mutation as SavedQueriesMutation } from './modules/saved-queries/resolvers/Mutation.ts';
import { PersistedQuery } from './modules/saved-queries/resolvers/PersistedQuery.ts';
import { Query as SavedQueriesQuery } from './modules/saved-queries/resolvers/Query.ts';
import { DateTimeScalar } from '@crm/runtime';
import { DecimalScalar } from './scalars.ts';

const sdl = (module: string) => parse(readFileSync(fileURLToPath(new URL(`./modules/${module}/schema.graphql`, import.meta.url)), 'utf8'));

const pipelineSummaryResolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Decimal: DecimalScalar,
  Query,
  Pipeline,
  PipelineSummary,
  StageSummary,
  CurrencyAmount,
};

const savedQueriesResolvers: Resolvers = {
  Query: SavedQueriesQuery,
  Mutation: SavedQueriesMutation,
  PersistedQuery,
};

export function schemaModules(): GraphQLSchemaModule[] {
  return [
    { typeDefs: sdl('pipeline-summary'), resolvers: pipelineSummaryResolvers as GraphQLSchemaModule['resolvers'] },
    { typeDefs: sdl('saved-queries'), resolvers: savedQueriesResolvers as GraphQLSchemaModule['resolvers'] },
  ];
}
