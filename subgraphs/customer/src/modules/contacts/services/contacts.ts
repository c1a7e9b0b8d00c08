/**
 * Contacts: people the tenant is in touch with, optionally linked to accounts.
 * Creating one records `customer.contact.created` in the outbox within the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import { badInput } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { ContactModel } from '../../../__generated__/prisma/models.ts';
import type { Actor, TenantDb } from '../../../context.ts';
import { isUuid, optionalEmail, optionalPhone, optionalUuid, parseInput, requiredName } from '../../../lib/validation.ts';

export interface NewContact {
  firstName: string;
  lastName: string;
  email?: string | null;
  phone?: string | null;
  ownerId?: string | null;
  /** Accounts the contact works at; the first becomes the primary one. */
  accountIds?: string[] | null;
}

export const CONTACT_CREATED = 'customer.contact.created';

/** Payload of `customer.contact.created` (version 1). */
export interface ContactCreatedPayload extends Record<string, unknown> {
  firstName: string;
  lastName: string;
  email: string | null;
  ownerId: string | null;
  accountIds: string[];
}

/** Most accounts a contact can be linked to in one call. */
export const MAX_ACCOUNTS_PER_CONTACT = 50;

const contactInput = z.object({
  firstName: requiredName('firstName', 100),
  lastName: requiredName('lastName', 100),
  email: optionalEmail,
  phone: optionalPhone,
  ownerId: optionalUuid('ownerId'),
  accountIds: z
    .array(z.string().refine(isUuid, 'accountIds contains an invalid id'))
    .max(MAX_ACCOUNTS_PER_CONTACT, `accountIds may list at most ${MAX_ACCOUNTS_PER_CONTACT} accounts`)
    .nullish()
    .transform((ids) => [...new Set((ids ?? []).map((id) => id.toLowerCase()))]),
});

export interface ContactsService {
  /**
   * Validates and creates a contact linked to `accountIds`. Every account must belong to
   * the tenant, otherwise BAD_USER_INPUT (field `accountIds`) and nothing is written.
   */
  create(tenantId: string, actor: Actor, input: NewContact): Promise<ContactModel>;
  /** The tenant's contacts, newest first. */
  list(db: TenantDb, options: { first: number }): Promise<ContactModel[]>;
}

export interface ContactsServiceDeps {
  prisma: PrismaClient;
  /** Called after each committed write (publishes the outbox at once). */
  onCommit: () => void;
}

export function createContactsService({ prisma, onCommit }: ContactsServiceDeps): ContactsService {
  return {
    async create(tenantId, actor, input) {
      const { accountIds, ...data } = parseInput(contactInput, input);
      const id = randomUUID();
      const contact = await withTenantTransaction(prisma, tenantId, async (tx) => {
        if (accountIds.length) {
          const known = await tx.account.findMany({ where: { tenantId, id: { in: accountIds } }, select: { id: true } });
          if (known.length !== accountIds.length) {
            const found = new Set(known.map((account) => account.id));
            const missing = accountIds.filter((accountId) => !found.has(accountId));
            throw badInput(`accountIds: no such account: ${missing.join(', ')}`, 'accountIds');
          }
        }
        const created = await tx.contact.create({ data: { id, tenantId, ...data } });
        if (accountIds.length) {
          await tx.accountContact.createMany({
            data: accountIds.map((accountId, index) => ({ tenantId, accountId, contactId: id, isPrimary: index === 0 })),
          });
        }
        await appendOutbox(
          tx,
          createEvent<ContactCreatedPayload>({
            type: CONTACT_CREATED,
            tenantId,
            actor,
            aggregateId: id,
            payload: { firstName: created.firstName, lastName: created.lastName, email: created.email, ownerId: created.ownerId, accountIds },
          }),
        );
        return created;
      });
      onCommit();
      return contact;
    },
    list(db, { first }) {
      return db.contact.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: first });
    },
  };
}
