/**
 * Roles of a tenant: the built-in roles (read-only) and the custom roles a tenant admin defines,
 * and which of them each user holds.
 *
 * - A custom role is checked by `defineCustomRole` (@crm/authz): SCREAMING_CASE name that is not a
 *   built-in role, known `resource:action` permissions only, scopes own, team or tenant (never
 *   global). Names are unique per tenant and cannot change; description and grants can.
 * - A user holds one built-in role (`User.role`) plus any number of custom roles; the grants add up
 *   (widest scope per permission); the team facts route hands them to the gateway, which signs them
 *   into the identity every subgraph receives.
 * - A custom role held by a user cannot be deleted (CONFLICT, naming the users).
 * - Every change appends an event to the outbox in the same transaction (audit log, and the
 *   gateway drops the cached grants of the users concerned): `platform.role.created`,
 *   `platform.role.updated` (payload `userIds`: its holders), `platform.role.deleted`,
 *   `platform.user.roles_changed` (payload `userId`).
 */
import { withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import { BUILT_IN_ROLES, defineCustomRole, InvalidRoleError, type Grants } from '@crm/authz';
import { badInput, conflict, notFound } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { CustomRoleModel, UserModel } from '../../../__generated__/prisma/models.ts';
import type { TenantDb } from '../../../context.ts';
import { recordId } from '../../../lib/arguments.ts';
import { isUniqueViolation } from '../../../lib/prisma-errors.ts';
import { SYSTEM_ACTOR, type Actor } from '../../../lib/events.ts';
import { builtInRoleView, customRoleView, storedGrants, TENANT_BUILT_IN_ROLES, type RoleView, type ScopeName } from '../lib/role-view.ts';

export const ROLE_CREATED = 'platform.role.created';
export const ROLE_UPDATED = 'platform.role.updated';
export const ROLE_DELETED = 'platform.role.deleted';
export const USER_ROLES_CHANGED = 'platform.user.roles_changed';

/** Built-in roles a tenant admin may give a user (System Admin is the platform's own). */
export const ASSIGNABLE_ROLES = ['TENANT_ADMIN', 'SALES_MANAGER', 'SALES_REP'] as const;
export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number];

export interface GrantInput {
  permission: string;
  scope: ScopeName;
}

export interface CreateRoleInput {
  name: string;
  description?: string | null;
  grants: readonly GrantInput[];
}

export interface UpdateRoleInput {
  description?: string | null;
  grants?: readonly GrantInput[] | null;
}

export interface SetUserRolesInput {
  role?: string | null;
  customRoleIds?: readonly string[] | null;
}

export interface RoleEventPayload extends Record<string, unknown> {
  roleId: string;
  name: string;
  description: string;
  grants: Grants;
}

export interface RoleUpdatedPayload extends RoleEventPayload {
  /** Users holding the role: their cached grants are stale. */
  userIds: string[];
}

export interface UserRolesChangedPayload extends Record<string, unknown> {
  userId: string;
  role: string;
  previousRole: string;
  customRoles: { id: string; name: string }[];
}

export interface RoleService {
  /** Built-in roles (TENANT_ADMIN, SALES_MANAGER, SALES_REP), then the tenant's custom roles by name. */
  list(db: TenantDb): Promise<RoleView[]>;
  create(tenantId: string, input: CreateRoleInput, actor?: Actor): Promise<RoleView>;
  update(tenantId: string, id: string, input: UpdateRoleInput, actor?: Actor): Promise<RoleView>;
  /** Deletes a custom role nobody holds; CONFLICT (with `userIds`) otherwise. Returns the id. */
  delete(tenantId: string, id: string, actor?: Actor): Promise<string>;
  /** Sets a user's built-in role and/or custom roles (replacing them). */
  setUserRoles(tenantId: string, userId: string, input: SetUserRolesInput, actor?: Actor): Promise<UserModel>;
}

export interface RoleServiceDeps {
  prisma: PrismaClient;
  afterCommit: () => void;
}

const MAX_DESCRIPTION = 500;

/** Checks a role's grants with `defineCustomRole`; one BAD_USER_INPUT naming the first problem. */
function checkedGrants(name: string, grants: readonly GrantInput[]): Grants {
  const byPermission: Record<string, string> = {};
  for (const grant of grants) {
    if (grant.permission in byPermission) throw badInput(`"${grant.permission}" is granted twice`, 'grants');
    byPermission[grant.permission] = String(grant.scope).toLowerCase();
  }
  try {
    return defineCustomRole(name, byPermission).grants;
  } catch (error) {
    if (error instanceof InvalidRoleError) throw badInput(error.message, /name/i.test(error.message) || /built-in/.test(error.message) ? 'name' : 'grants');
    throw error;
  }
}

/** Built-in roles (their id is their name) are read-only. */
function refuseBuiltIn(id: string): void {
  if ((BUILT_IN_ROLES as readonly string[]).includes(id)) throw badInput(`${id} is a built-in role and cannot be changed`, 'id');
}

function checkedDescription(description: string | null | undefined): string {
  const text = (description ?? '').trim();
  if (text.length > MAX_DESCRIPTION) throw badInput(`description must be at most ${MAX_DESCRIPTION} characters`, 'description');
  return text;
}

export function createRoleService({ prisma, afterCommit }: RoleServiceDeps): RoleService {
  async function roleOf(tx: Pick<PrismaClient, 'customRole'>, tenantId: string, id: string): Promise<CustomRoleModel> {
    const role = await tx.customRole.findFirst({ where: { id, tenantId } });
    if (!role) throw notFound('Role', id);
    return role;
  }

  return {
    async list(db) {
      const custom = await db.customRole.findMany({ orderBy: [{ name: 'asc' }] });
      return [...TENANT_BUILT_IN_ROLES.map(builtInRoleView), ...custom.map(customRoleView)];
    },

    async create(tenantId, input, actor = SYSTEM_ACTOR) {
      const tenant = recordId(tenantId, 'tenantId');
      const name = String(input.name ?? '').trim();
      const grants = checkedGrants(name, input.grants);
      const description = checkedDescription(input.description);
      const row = await withTenantTransaction(prisma, tenant, async (tx) => {
        const created = await tx.customRole.create({ data: { tenantId: tenant, name, description, grants } });
        await appendOutbox(
          tx,
          createEvent<RoleEventPayload>({ type: ROLE_CREATED, tenantId: tenant, actor, aggregateId: created.id, payload: { roleId: created.id, name, description, grants } }),
        );
        return created;
      }).catch((error: unknown) => {
        if (isUniqueViolation(error)) throw conflict(`A role named "${name}" already exists`, { field: 'name' });
        throw error;
      });
      afterCommit();
      return customRoleView(row);
    },

    async update(tenantId, id, input, actor = SYSTEM_ACTOR) {
      const tenant = recordId(tenantId, 'tenantId');
      refuseBuiltIn(id);
      const roleId = recordId(id);
      const row = await withTenantTransaction(prisma, tenant, async (tx) => {
        const existing = await roleOf(tx, tenant, roleId);
        const grants = input.grants ? checkedGrants(existing.name, input.grants) : storedGrants(existing.grants);
        const description = input.description === undefined || input.description === null ? existing.description : checkedDescription(input.description);
        const updated = await tx.customRole.update({ where: { id: roleId }, data: { description, grants } });
        const holders = await tx.userCustomRole.findMany({ where: { tenantId: tenant, roleId }, select: { userId: true } });
        await appendOutbox(
          tx,
          createEvent<RoleUpdatedPayload>({
            type: ROLE_UPDATED,
            tenantId: tenant,
            actor,
            aggregateId: roleId,
            payload: { roleId, name: updated.name, description, grants, userIds: holders.map((holder) => holder.userId).sort() },
          }),
        );
        return updated;
      });
      afterCommit();
      return customRoleView(row);
    },

    async delete(tenantId, id, actor = SYSTEM_ACTOR) {
      const tenant = recordId(tenantId, 'tenantId');
      refuseBuiltIn(id);
      const roleId = recordId(id);
      await withTenantTransaction(prisma, tenant, async (tx) => {
        const existing = await roleOf(tx, tenant, roleId);
        const holders = await tx.userCustomRole.findMany({ where: { tenantId: tenant, roleId }, select: { userId: true } });
        if (holders.length > 0) {
          const users = await tx.user.findMany({ where: { tenantId: tenant, id: { in: holders.map((holder) => holder.userId) } }, select: { id: true, email: true }, orderBy: { email: 'asc' } });
          throw conflict(`${existing.name} is held by ${users.map((user) => user.email).join(', ')}; take it from them first`, { userIds: users.map((user) => user.id) });
        }
        await tx.customRole.delete({ where: { id: roleId } });
        await appendOutbox(
          tx,
          createEvent<RoleEventPayload>({
            type: ROLE_DELETED,
            tenantId: tenant,
            actor,
            aggregateId: roleId,
            payload: { roleId, name: existing.name, description: existing.description, grants: storedGrants(existing.grants) },
          }),
        );
      });
      afterCommit();
      return roleId;
    },

    async setUserRoles(tenantId, userId, input, actor = SYSTEM_ACTOR) {
      const tenant = recordId(tenantId, 'tenantId');
      const id = recordId(userId, 'userId');
      const role = input.role ?? null;
      if (role !== null && !(ASSIGNABLE_ROLES as readonly string[]).includes(role)) {
        throw badInput(`role must be one of ${ASSIGNABLE_ROLES.join(', ')}`, 'role');
      }
      const wanted = input.customRoleIds ? [...new Set(input.customRoleIds.map((roleId) => recordId(roleId, 'customRoleIds')))] : null;
      const user = await withTenantTransaction(prisma, tenant, async (tx) => {
        const existing = await tx.user.findFirst({ where: { id, tenantId: tenant } });
        if (!existing) throw notFound('User', id);
        if (role !== null && role !== existing.role && actor.userId === id) throw badInput('You cannot change your own built-in role', 'role');
        if (wanted) {
          const found = await tx.customRole.findMany({ where: { tenantId: tenant, id: { in: wanted } }, select: { id: true } });
          const missing = wanted.filter((roleId) => !found.some((row) => row.id === roleId));
          if (missing.length) throw badInput(`No role ${missing.join(', ')} in this tenant`, 'customRoleIds');
          await tx.userCustomRole.deleteMany({ where: { tenantId: tenant, userId: id, roleId: { notIn: wanted } } });
          const held = await tx.userCustomRole.findMany({ where: { tenantId: tenant, userId: id }, select: { roleId: true } });
          const added = wanted.filter((roleId) => !held.some((row) => row.roleId === roleId));
          if (added.length) await tx.userCustomRole.createMany({ data: added.map((roleId) => ({ tenantId: tenant, userId: id, roleId })) });
        }
        const updated = role !== null && role !== existing.role ? await tx.user.update({ where: { id }, data: { role: role as AssignableRole } }) : existing;
        const holding = await tx.userCustomRole.findMany({ where: { tenantId: tenant, userId: id }, select: { role: { select: { id: true, name: true } } } });
        await appendOutbox(
          tx,
          createEvent<UserRolesChangedPayload>({
            type: USER_ROLES_CHANGED,
            tenantId: tenant,
            actor,
            aggregateId: id,
            payload: {
              userId: id,
              role: updated.role,
              previousRole: existing.role,
              customRoles: holding.map((row) => row.role).sort((a, b) => a.name.localeCompare(b.name)),
            },
          }),
        );
        return updated;
      });
      afterCommit();
      return user;
    },
  };
}
