/** What each customer list can be filtered, sorted and grouped by (see list-query.ts). */
import type { EntitySpec, FieldSpec } from '@crm/db/list-query';

const f = (column: string, kind: FieldSpec['kind'], nullable = false, values?: readonly string[]): FieldSpec => ({ column, kind, nullable, values });

export const LIFECYCLE_STAGES = ['SUBSCRIBER', 'LEAD', 'MARKETING_QUALIFIED', 'SALES_QUALIFIED', 'OPPORTUNITY', 'CUSTOMER', 'EVANGELIST', 'OTHER'] as const;
export const LEAD_STATUSES = ['NEW', 'CONTACTED', 'QUALIFIED', 'UNQUALIFIED', 'CONVERTED'] as const;

export const accountSpec: EntitySpec = {
  name: 'Account',
  fields: {
    id: f('id', 'id'),
    name: f('name', 'string'),
    domain: f('domain', 'string', true),
    industry: f('industry', 'string', true),
    employees: f('employees', 'int', true),
    parentId: f('parentId', 'id', true),
    ownerId: f('ownerId', 'id', true),
    createdAt: f('createdAt', 'dateTime'),
    updatedAt: f('updatedAt', 'dateTime'),
    deletedAt: f('deletedAt', 'dateTime', true),
  },
  relations: {
    contact: { target: () => contactSpec, wrap: (inner) => ({ contacts: { some: { contact: inner } } }) },
  },
  sortFields: { NAME: 'name', DOMAIN: 'domain', INDUSTRY: 'industry', EMPLOYEES: 'employees', CREATED_AT: 'createdAt', UPDATED_AT: 'updatedAt' },
  groupFields: { INDUSTRY: 'industry', OWNER: 'ownerId' },
  live: { deletedAt: null },
};

export const contactSpec: EntitySpec = {
  name: 'Contact',
  fields: {
    id: f('id', 'id'),
    firstName: f('firstName', 'string'),
    lastName: f('lastName', 'string'),
    email: f('email', 'string', true),
    phone: f('phone', 'string', true),
    lifecycleStage: f('lifecycleStage', 'enum', false, LIFECYCLE_STAGES),
    tags: f('tags', 'stringList'),
    ownerId: f('ownerId', 'id', true),
    createdAt: f('createdAt', 'dateTime'),
    updatedAt: f('updatedAt', 'dateTime'),
    deletedAt: f('deletedAt', 'dateTime', true),
  },
  relations: {
    account: { target: () => accountSpec, wrap: (inner) => ({ accounts: { some: { account: inner } } }) },
  },
  sortFields: {
    FIRST_NAME: 'firstName',
    LAST_NAME: 'lastName',
    EMAIL: 'email',
    LIFECYCLE_STAGE: 'lifecycleStage',
    CREATED_AT: 'createdAt',
    UPDATED_AT: 'updatedAt',
  },
  groupFields: { LIFECYCLE_STAGE: 'lifecycleStage', OWNER: 'ownerId' },
  live: { deletedAt: null },
};

export const leadSpec: EntitySpec = {
  name: 'Lead',
  fields: {
    id: f('id', 'id'),
    name: f('name', 'string'),
    email: f('email', 'string', true),
    company: f('company', 'string', true),
    source: f('source', 'string', true),
    status: f('status', 'enum', false, LEAD_STATUSES),
    score: f('score', 'int'),
    ownerId: f('ownerId', 'id', true),
    createdAt: f('createdAt', 'dateTime'),
    deletedAt: f('deletedAt', 'dateTime', true),
  },
  relations: {},
  sortFields: { NAME: 'name', EMAIL: 'email', COMPANY: 'company', STATUS: 'status', SCORE: 'score', CREATED_AT: 'createdAt' },
  groupFields: { STATUS: 'status', SOURCE: 'source', OWNER: 'ownerId' },
  live: { deletedAt: null },
};
