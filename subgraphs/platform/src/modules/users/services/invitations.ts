/**
 * Invitations: a tenant admin invites someone by email; the invitation email (queued in
 * `OutboundEmail` in the same transaction) carries a one-time link; accepting it with a password
 * creates the user. Only a digest of the token is stored, and the token never appears in events.
 */
import { z } from 'zod';
import { withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import { badInput, conflict } from '@crm/runtime';
import type { PrismaClient, Role } from '../../../__generated__/prisma/client.ts';
import type { InvitationModel, UserModel } from '../../../__generated__/prisma/models.ts';
import type { TenantDb } from '../../../context.ts';
import { parseInput, recordId } from '../../../lib/arguments.ts';
import { SYSTEM_ACTOR, type Actor } from '../../../lib/events.ts';
import { isUniqueViolation } from '../../../lib/prisma-errors.ts';
import { digest, generateSecretToken } from '../../../lib/secret-token.ts';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, type PasswordHasher } from '../../auth/lib/password.ts';
import { normalizeEmail, type UserCreatedPayload } from './users.ts';

/** How long an invitation link stays valid. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const INVITATION_EMAIL_TEMPLATE = 'user-invitation';

const INVITABLE_ROLES = ['TENANT_ADMIN', 'SALES_MANAGER', 'SALES_REP'] as const satisfies readonly Role[];

const inviteInput = z.object({
  email: z.string().transform(normalizeEmail).pipe(z.email().max(320)),
  name: z.string().trim().min(1).max(200),
  role: z.enum(INVITABLE_ROLES, { message: `role must be one of ${INVITABLE_ROLES.join(', ')}` }),
  teamId: z.uuid({ message: 'teamId is not a valid id' }).nullish(),
});
export interface InviteUserInput {
  email: string;
  name: string;
  role: Role;
  teamId?: string | null;
}

const acceptInput = z.object({
  token: z.string().min(1).max(200),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH),
});
export type AcceptInvitationInput = z.input<typeof acceptInput>;

export interface UserInvitedPayload extends Record<string, unknown> {
  invitationId: string;
  email: string;
  name: string;
  role: Role;
  teamId: string | null;
  expiresAt: string;
}

export interface InvitationService {
  /**
   * Invites someone to `tenantId`: stores the invitation, queues the email and emits
   * `platform.user.invited`. Returns the token too (for the mailer and tests; never sent to clients).
   */
  invite(tenantId: string, input: InviteUserInput, actor?: Actor): Promise<{ invitation: InvitationModel; token: string }>;
  /** Creates the invited user with this password (emits `platform.user.created`). */
  accept(input: AcceptInvitationInput): Promise<UserModel>;
  /** Invitations not yet accepted nor expired, newest first. */
  listPending(db: TenantDb): Promise<InvitationModel[]>;
}

export interface InvitationServiceDeps {
  prisma: PrismaClient;
  afterCommit: () => void;
  passwords: PasswordHasher;
  clock?: () => Date;
}

const INVALID_INVITATION = 'This invitation is invalid, used or expired';

export function createInvitationService({ prisma, afterCommit, passwords, clock = () => new Date() }: InvitationServiceDeps): InvitationService {
  return {
    async invite(tenantId, input, actor = SYSTEM_ACTOR) {
      const data = parseInput(inviteInput, input);
      const tenant = recordId(tenantId, 'tenantId');
      const { token, hash } = generateSecretToken();
      const expiresAt = new Date(clock().getTime() + INVITATION_TTL_MS);
      const invitation = await withTenantTransaction(prisma, tenant, async (tx) => {
        if (await tx.user.findFirst({ where: { tenantId: tenant, email: data.email }, select: { id: true } })) {
          throw conflict(`A user with email ${data.email} already exists`, { field: 'email' });
        }
        if (data.teamId && !(await tx.team.findFirst({ where: { id: data.teamId, tenantId: tenant }, select: { id: true } }))) {
          throw badInput(`Team ${data.teamId} does not exist in this tenant`, 'teamId');
        }
        const created = await tx.invitation.create({
          data: { tenantId: tenant, email: data.email, name: data.name, role: data.role, teamId: data.teamId ?? null, tokenHash: hash, invitedById: actor.userId, expiresAt },
        });
        await tx.outboundEmail.create({
          data: {
            tenantId: tenant,
            to: data.email,
            template: INVITATION_EMAIL_TEMPLATE,
            data: { invitationId: created.id, name: data.name, token, expiresAt: expiresAt.toISOString() },
          },
        });
        await appendOutbox(
          tx,
          createEvent<UserInvitedPayload>({
            type: 'platform.user.invited',
            tenantId: tenant,
            actor,
            aggregateId: created.id,
            payload: { invitationId: created.id, email: created.email, name: created.name, role: created.role, teamId: created.teamId, expiresAt: expiresAt.toISOString() },
          }),
        );
        return created;
      });
      afterCommit();
      return { invitation, token };
    },

    async accept(input) {
      const { token, password } = parseInput(acceptInput, input);
      const [found] = await prisma.$queryRaw<Array<{ id: string; tenantId: string }>>`
        SELECT "id"::text AS "id", "tenantId"::text AS "tenantId" FROM platform_find_invitation(${digest(token)}::text)`;
      if (!found) throw badInput(INVALID_INVITATION, 'token');
      const passwordHash = await passwords.hash(password);
      const user = await withTenantTransaction(prisma, found.tenantId, async (tx) => {
        const invitation = await tx.invitation.findFirst({ where: { id: found.id, tenantId: found.tenantId } });
        if (!invitation || invitation.acceptedAt || invitation.expiresAt.getTime() <= clock().getTime()) throw badInput(INVALID_INVITATION, 'token');
        const teamId = invitation.teamId && (await tx.team.findFirst({ where: { id: invitation.teamId }, select: { id: true } })) ? invitation.teamId : null;
        const created = await tx.user.create({
          data: { tenantId: found.tenantId, email: invitation.email, name: invitation.name, role: invitation.role, teamId, passwordHash },
        });
        await tx.invitation.update({ where: { id: invitation.id }, data: { acceptedAt: clock() } });
        await appendOutbox(
          tx,
          createEvent<UserCreatedPayload & { invitationId: string }>({
            type: 'platform.user.created',
            tenantId: found.tenantId,
            actor: { userId: created.id, kind: 'user' },
            aggregateId: created.id,
            payload: { userId: created.id, email: created.email, name: created.name, role: created.role, teamId: created.teamId, invitationId: invitation.id },
          }),
        );
        return created;
      }).catch((error: unknown) => {
        if (isUniqueViolation(error)) throw conflict('A user with this email already exists in this tenant', { field: 'token' });
        throw error;
      });
      afterCommit();
      return user;
    },

    listPending(db) {
      return db.invitation.findMany({
        where: { acceptedAt: null, expiresAt: { gt: clock() } },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      });
    },
  };
}
