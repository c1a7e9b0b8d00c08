/**
 * Accounts: companies the tenant sells to. Creating one records `customer.account.created`
 * in the outbox within the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import { badInput } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { AccountModel } from '../../../__generated__/prisma/models.ts';
import type { Actor, TenantDb } from '../../../context.ts';
import { optionalDomain, optionalText, optionalUuid, parseInput, requiredName } from '../../../lib/validation.ts';

export interface NewAccount {
  name: string;
  domain?: string | null;
  industry?: string | null;
  ownerId?: string | null;
}

export const ACCOUNT_CREATED = 'customer.account.created';

/** Payload of `customer.account.created` (version 1). */
export interface AccountCreatedPayload extends Record<string, unknown> {
  name: string;
  domain: string | null;
  industry: string | null;
  ownerId: string | null;
}

/** Most accounts one `createMany` call may write. */
export const MAX_BATCH = 1000;

const accountInput = z.object({
  name: requiredName('name'),
  domain: optionalDomain,
  industry: optionalText(100, 'industry'),
  ownerId: optionalUuid('ownerId'),
});

export interface AccountsService {
  /** Validates and creates one account; BAD_USER_INPUT names the invalid field. */
  create(tenantId: string, actor: Actor, input: NewAccount): Promise<AccountModel>;
  /** Creates up to 1,000 accounts in one transaction (all or nothing), in input order. */
  createMany(tenantId: string, actor: Actor, inputs: NewAccount[]): Promise<AccountModel[]>;
  /** The tenant's accounts, newest first. */
  list(db: TenantDb, options: { first: number }): Promise<AccountModel[]>;
}

export interface AccountsServiceDeps {
  prisma: PrismaClient;
  /** Called after each committed write (publishes the outbox at once). */
  onCommit: () => void;
}

export function createAccountsService({ prisma, onCommit }: AccountsServiceDeps): AccountsService {
  async function createMany(tenantId: string, actor: Actor, inputs: NewAccount[]): Promise<AccountModel[]> {
    if (inputs.length > MAX_BATCH) throw badInput(`At most ${MAX_BATCH} accounts per batch`, 'inputs');
    if (inputs.length === 0) return [];
    const rows = inputs.map((input, index) => {
      const data = parseInput(accountInput, input, inputs.length === 1 ? [] : ['inputs', index]);
      return { id: randomUUID(), tenantId, ...data };
    });
    const created = await withTenantTransaction(prisma, tenantId, async (tx) => {
      const accounts = await tx.account.createManyAndReturn({ data: rows });
      await appendOutbox(
        tx,
        accounts.map((account) =>
          createEvent<AccountCreatedPayload>({
            type: ACCOUNT_CREATED,
            tenantId,
            actor,
            aggregateId: account.id,
            payload: { name: account.name, domain: account.domain, industry: account.industry, ownerId: account.ownerId },
          }),
        ),
      );
      return accounts;
    });
    onCommit();
    const byId = new Map(created.map((account) => [account.id, account]));
    return rows.map((row) => byId.get(row.id)!);
  }

  return {
    async create(tenantId, actor, input) {
      const [account] = await createMany(tenantId, actor, [input]);
      return account!;
    },
    createMany,
    list(db, { first }) {
      return db.account.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: first });
    },
  };
}
