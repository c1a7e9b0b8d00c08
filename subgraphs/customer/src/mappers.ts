/**
 * GraphQL type -> database row, so field resolvers receive the Prisma model.
 * Read by codegen (`export type <GraphQLType>Mapper`).
 */
import type { AccountModel, ContactModel, LeadModel } from './__generated__/prisma/models.ts';

export type AccountMapper = AccountModel;
export type ContactMapper = ContactModel;
export type LeadMapper = LeadModel;
