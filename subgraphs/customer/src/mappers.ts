/**
 * GraphQL type -> database row, so field resolvers receive the Prisma model.
 * Read by codegen (`export type <GraphQLType>Mapper`).
 */
import type { AccountModel, ContactModel, CustomFieldDefinitionModel, LeadConversionModel, LeadFormModel, LeadModel } from './__generated__/prisma/models.ts';
import type { AssignmentRule } from './modules/lead-assignment/lib/rules.ts';
import type { CustomFieldValueObject } from './lib/custom-fields.ts';
import type { Page } from '@crm/db/list-query';
import type { ContactLink } from './loaders.ts';
import type { ImportJobModel, ImportMappingModel } from './__generated__/prisma/models.ts';
import type { ImportJobPage, RowErrorView } from './modules/imports/resolvers/views.ts';

export type AccountMapper = AccountModel;
export type ContactMapper = ContactModel;
export type LeadMapper = LeadModel;
export type LeadConversionMapper = LeadConversionModel;
export type LeadFormMapper = LeadFormModel;
export type LeadAssignmentRuleMapper = AssignmentRule;
export type AccountConnectionMapper = Page<AccountModel>;
export type ContactConnectionMapper = Page<ContactModel>;
export type LeadConnectionMapper = Page<LeadModel>;
export type ContactRelationshipMapper = ContactLink;
export type CustomFieldDefinitionMapper = CustomFieldDefinitionModel;
type ValueOf<T extends CustomFieldValueObject['__typename']> = Extract<CustomFieldValueObject, { __typename: T }>;
export type TextValueMapper = ValueOf<'TextValue'>;
export type NumberValueMapper = ValueOf<'NumberValue'>;
export type CurrencyValueMapper = ValueOf<'CurrencyValue'>;
export type DateValueMapper = ValueOf<'DateValue'>;
export type BooleanValueMapper = ValueOf<'BooleanValue'>;
export type SelectValueMapper = ValueOf<'SelectValue'>;
export type MultiSelectValueMapper = ValueOf<'MultiSelectValue'>;
export type UrlValueMapper = ValueOf<'UrlValue'>;
export type EmailValueMapper = ValueOf<'EmailValue'>;
export type ReferenceValueMapper = ValueOf<'ReferenceValue'>;
export type ImportJobMapper = ImportJobModel;
export type ImportMappingMapper = ImportMappingModel;
export type ImportRowErrorMapper = RowErrorView;
export type ImportJobConnectionMapper = ImportJobPage;
export type PersonalDataErasureMapper = import('./__generated__/prisma/models.ts').PersonalDataErasureModel;
