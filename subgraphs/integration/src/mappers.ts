/**
 * GraphQL type -> database row, so field resolvers receive the Prisma model.
 * Read by codegen (`export type <GraphQLType>Mapper`).
 */
import type { WebhookEndpointModel } from './__generated__/prisma/models.ts';

export type WebhookEndpointMapper = WebhookEndpointModel;
