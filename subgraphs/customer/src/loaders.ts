/**
 * Request-scoped DataLoaders: one SQL query per entity type per tick, through the
 * tenant-scoped client, so rows of another tenant never load (they resolve to null).
 */
import DataLoader from 'dataloader';
import { unauthenticated } from '@crm/runtime';
import type { AccountModel, ContactModel, ContactRelationshipModel, CustomFieldDefinitionModel, LeadModel } from './__generated__/prisma/models.ts';
import type { CustomFieldEntity } from './lib/custom-fields.ts';
import type { TenantDb } from './context.ts';
import { isUuid } from './lib/validation.ts';

export interface Loaders {
  account: DataLoader<string, AccountModel | null>;
  contact: DataLoader<string, ContactModel | null>;
  lead: DataLoader<string, LeadModel | null>;
  /** Live contacts of an account (primary first, then by name). */
  contactsOfAccount: DataLoader<string, ContactModel[]>;
  /** Live accounts of a contact (primary first, then by name). */
  accountsOfContact: DataLoader<string, AccountModel[]>;
  /** Live subsidiaries of an account, by name. */
  childrenOfAccount: DataLoader<string, AccountModel[]>;
  /** Links of a contact to live contacts, both directions. */
  relationshipsOfContact: DataLoader<string, ContactLink[]>;
  /** Live custom field definitions of a record type, oldest first (one query for all types). */
  customFieldDefinitions: DataLoader<CustomFieldEntity, CustomFieldDefinitionModel[]>;
}

/** One side of a contact relationship, seen from the contact it was loaded for. */
export interface ContactLink {
  kind: ContactRelationshipModel['kind'];
  outgoing: boolean;
  contact: ContactModel;
}

/** Orders `rows` by `keys`; missing (or malformed) keys map to null. */
function byKey<T extends { id: string }>(keys: readonly string[], rows: T[]): (T | null)[] {
  const found = new Map(rows.map((row) => [row.id, row]));
  return keys.map((key) => found.get(key) ?? null);
}

function entityLoader<T extends { id: string }>(fetch: (ids: string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (keys) => {
    const ids = [...new Set(keys.filter(isUuid))];
    return byKey(keys, ids.length ? await fetch(ids) : []);
  });
}

function groupedLoader<T>(fetch: (ids: string[]) => Promise<Map<string, T[]>>): DataLoader<string, T[]> {
  return new DataLoader<string, T[]>(async (keys) => {
    const ids = [...new Set(keys.filter(isUuid))];
    const groups = ids.length ? await fetch(ids) : new Map<string, T[]>();
    return keys.map((key) => groups.get(key) ?? []);
  });
}

function pushTo<T>(groups: Map<string, T[]>, key: string, value: T) {
  const list = groups.get(key);
  if (list) list.push(value);
  else groups.set(key, [value]);
}

/** Loaders for one request. Without a tenant every load fails with UNAUTHENTICATED. */
export function createLoaders(db: TenantDb | null): Loaders {
  const scoped = (): TenantDb => {
    if (!db) throw unauthenticated();
    return db;
  };
  return {
    customFieldDefinitions: new DataLoader<CustomFieldEntity, CustomFieldDefinitionModel[]>(async (entities) => {
      const rows = await scoped().customFieldDefinition.findMany({
        where: { entity: { in: [...new Set(entities)] }, archivedAt: null },
        orderBy: [{ createdAt: 'asc' }, { key: 'asc' }],
      });
      return entities.map((entity) => rows.filter((row) => row.entity === entity));
    }),
    account: entityLoader((ids) => scoped().account.findMany({ where: { id: { in: ids } } })),
    contact: entityLoader((ids) => scoped().contact.findMany({ where: { id: { in: ids } } })),
    lead: entityLoader((ids) => scoped().lead.findMany({ where: { id: { in: ids } } })),
    contactsOfAccount: groupedLoader(async (accountIds) => {
      const links = await scoped().accountContact.findMany({
        where: { accountId: { in: accountIds }, contact: { deletedAt: null } },
        include: { contact: true },
        orderBy: [{ isPrimary: 'desc' }, { contact: { lastName: 'asc' } }, { contact: { firstName: 'asc' } }],
      });
      const groups = new Map<string, ContactModel[]>();
      for (const link of links) pushTo(groups, link.accountId, link.contact);
      return groups;
    }),
    accountsOfContact: groupedLoader(async (contactIds) => {
      const links = await scoped().accountContact.findMany({
        where: { contactId: { in: contactIds }, account: { deletedAt: null } },
        include: { account: true },
        orderBy: [{ isPrimary: 'desc' }, { account: { name: 'asc' } }],
      });
      const groups = new Map<string, AccountModel[]>();
      for (const link of links) pushTo(groups, link.contactId, link.account);
      return groups;
    }),
    childrenOfAccount: groupedLoader(async (accountIds) => {
      const children = await scoped().account.findMany({
        where: { parentId: { in: accountIds }, deletedAt: null },
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
      });
      const groups = new Map<string, AccountModel[]>();
      for (const child of children) pushTo(groups, child.parentId!, child);
      return groups;
    }),
    relationshipsOfContact: groupedLoader(async (contactIds) => {
      const links = await scoped().contactRelationship.findMany({
        where: {
          OR: [
            { fromId: { in: contactIds }, to: { deletedAt: null } },
            { toId: { in: contactIds }, from: { deletedAt: null } },
          ],
        },
        include: { from: true, to: true },
        orderBy: [{ createdAt: 'asc' }],
      });
      const wanted = new Set(contactIds);
      const groups = new Map<string, ContactLink[]>();
      for (const link of links) {
        if (wanted.has(link.fromId)) pushTo(groups, link.fromId, { kind: link.kind, outgoing: true, contact: link.to });
        if (wanted.has(link.toId)) pushTo(groups, link.toId, { kind: link.kind, outgoing: false, contact: link.from });
      }
      return groups;
    }),
  };
}
