/**
 * Request-scoped DataLoaders: one SQL query per entity type per tick, through the
 * tenant-scoped client, so rows of another tenant never load (they resolve to null).
 */
import DataLoader from 'dataloader';
import { unauthenticated } from '@crm/runtime';
import type { AccountModel, ContactModel, LeadModel } from './__generated__/prisma/models.ts';
import type { TenantDb } from './context.ts';
import { isUuid } from './lib/validation.ts';

export interface Loaders {
  account: DataLoader<string, AccountModel | null>;
  contact: DataLoader<string, ContactModel | null>;
  lead: DataLoader<string, LeadModel | null>;
  /** Contacts of an account (primary first, then by name). */
  contactsOfAccount: DataLoader<string, ContactModel[]>;
  /** Accounts of a contact (primary first, then by name). */
  accountsOfContact: DataLoader<string, AccountModel[]>;
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
    account: entityLoader((ids) => scoped().account.findMany({ where: { id: { in: ids } } })),
    contact: entityLoader((ids) => scoped().contact.findMany({ where: { id: { in: ids } } })),
    lead: entityLoader((ids) => scoped().lead.findMany({ where: { id: { in: ids } } })),
    contactsOfAccount: groupedLoader(async (accountIds) => {
      const links = await scoped().accountContact.findMany({
        where: { accountId: { in: accountIds } },
        include: { contact: true },
        orderBy: [{ isPrimary: 'desc' }, { contact: { lastName: 'asc' } }, { contact: { firstName: 'asc' } }],
      });
      const groups = new Map<string, ContactModel[]>();
      for (const link of links) pushTo(groups, link.accountId, link.contact);
      return groups;
    }),
    accountsOfContact: groupedLoader(async (contactIds) => {
      const links = await scoped().accountContact.findMany({
        where: { contactId: { in: contactIds } },
        include: { account: true },
        orderBy: [{ isPrimary: 'desc' }, { account: { name: 'asc' } }],
      });
      const groups = new Map<string, AccountModel[]>();
      for (const link of links) pushTo(groups, link.contactId, link.account);
      return groups;
    }),
  };
}
