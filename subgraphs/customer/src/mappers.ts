/**
 * GraphQL type -> database row, so field resolvers receive the Prisma model.
 * Read by codegen (`export type <GraphQLType>Mapper`).
 */
import type { AccountModel, ContactModel, LeadModel } from './__generated__/prisma/models.ts';
import type { Page } from './lib/list-query.ts';
import type { ContactLink } from './loaders.ts';

export type AccountMapper = AccountModel;
export type ContactMapper = ContactModel;
export type LeadMapper = LeadModel;
export type AccountConnectionMapper = Page<AccountModel>;
export type ContactConnectionMapper = Page<ContactModel>;
export type LeadConnectionMapper = Page<LeadModel>;
export type ContactRelationshipMapper = ContactLink;
