/** Users of a tenant: creation (with a hashed password) and listing. */
import { z } from 'zod';
import { withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import { badInput, conflict } from '@crm/runtime';
import { Role, type PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { UserModel } from '../../../__generated__/prisma/models.ts';
import type { TenantDb } from '../../../context.ts';
import { parseInput, recordId } from '../../../lib/arguments.ts';
import { SYSTEM_ACTOR, type Actor } from '../../../lib/events.ts';
import { isUniqueViolation } from '../../../lib/prisma-errors.ts';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, type PasswordHasher } from '../../auth/lib/password.ts';

/** Emails are compared and stored lowercased. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

const createUserInput = z.object({
  email: z.string().transform(normalizeEmail).pipe(z.email().max(320)),
  name: z.string().trim().min(1).max(200),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH),
  role: z.enum(Role),
  teamId: z.uuid().nullish(),
  active: z.boolean().default(true),
});
export type CreateUserInput = z.input<typeof createUserInput>;

export interface UserCreatedPayload extends Record<string, unknown> {
  userId: string;
  email: string;
  name: string;
  role: Role;
  teamId: string | null;
}

export interface UserService {
  /** Creates a user in `tenantId` and emits `platform.user.created`. A taken email is a CONFLICT. */
  create(tenantId: string, input: CreateUserInput, actor?: Actor): Promise<UserModel>;
  /** The tenant's users, oldest first. */
  list(db: TenantDb, first: number): Promise<UserModel[]>;
}

export interface UserServiceDeps {
  prisma: PrismaClient;
  afterCommit: () => void;
  passwords: PasswordHasher;
}

export function createUserService({ prisma, afterCommit, passwords }: UserServiceDeps): UserService {
  return {
    async create(tenantId, input, actor = SYSTEM_ACTOR) {
      const { password, ...data } = parseInput(createUserInput, input);
      const tenant = recordId(tenantId, 'tenantId');
      const passwordHash = await passwords.hash(password);
      const user = await withTenantTransaction(prisma, tenant, async (tx) => {
        if (data.teamId && !(await tx.team.findFirst({ where: { id: data.teamId, tenantId: tenant }, select: { id: true } }))) {
          throw badInput(`Team ${data.teamId} does not exist in this tenant`, 'teamId');
        }
        const created = await tx.user.create({ data: { ...data, tenantId: tenant, passwordHash } });
        await appendOutbox(
          tx,
          createEvent<UserCreatedPayload>({
            type: 'platform.user.created',
            tenantId: tenant,
            actor,
            aggregateId: created.id,
            payload: { userId: created.id, email: created.email, name: created.name, role: created.role, teamId: created.teamId },
          }),
        );
        return created;
      }).catch((error: unknown) => {
        if (isUniqueViolation(error)) throw conflict(`A user with email ${data.email} already exists`, { field: 'email' });
        throw error;
      });
      afterCommit();
      return user;
    },

    list(db, first) {
      return db.user.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: first });
    },
  };
}
