import { hasAdminRole } from '@crm/authz';
import { forbidden } from '@crm/runtime';
import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant, type Context } from '../../../context.ts';
import { actorOf } from '../../../lib/events.ts';
import { customRoleView, grantEntries } from '../lib/role-view.ts';

/** Roles are the tenant admins' business: the caller's tenant, FORBIDDEN for anyone else. */
function requireRoleAdmin(ctx: Context) {
  const scoped = requireTenant(ctx);
  if (!hasAdminRole(ctx.identity.roles)) throw forbidden('Only tenant admins may manage roles');
  return scoped;
}

export const rolesResolvers: Resolvers = {
  Query: {
    roles: (_parent, _args, ctx) => ctx.services.roles.list(requireRoleAdmin(ctx).db),
  },
  Mutation: {
    createRole: async (_parent, { input }, ctx) => {
      const role = await ctx.services.roles.create(requireRoleAdmin(ctx).tenantId, input, actorOf(ctx.identity));
      ctx.log.info({ roleId: role.id, name: role.name }, 'role created');
      return role;
    },
    updateRole: async (_parent, { id, input }, ctx) => {
      const role = await ctx.services.roles.update(requireRoleAdmin(ctx).tenantId, id, input, actorOf(ctx.identity));
      ctx.log.info({ roleId: role.id }, 'role updated');
      return role;
    },
    deleteRole: async (_parent, { id }, ctx) => {
      const deleted = await ctx.services.roles.delete(requireRoleAdmin(ctx).tenantId, id, actorOf(ctx.identity));
      ctx.log.info({ roleId: deleted }, 'role deleted');
      return deleted;
    },
    setUserRoles: async (_parent, { userId, role, customRoleIds }, ctx) => {
      const user = await ctx.services.roles.setUserRoles(requireRoleAdmin(ctx).tenantId, userId, { role, customRoleIds }, actorOf(ctx.identity));
      ctx.log.info({ userId: user.id }, 'user roles set');
      return user;
    },
  },
  RoleDefinition: {
    grants: (role) => grantEntries(role.grants),
    users: (role, _args, ctx) => (role.builtIn ? ctx.loaders.usersByBuiltInRole.load(role.name) : ctx.loaders.usersByCustomRole.load(role.id)),
  },
  User: {
    /** Tenant admins see anyone's custom roles, a user their own; FORBIDDEN for anyone else's. */
    customRoles: async (user, _args, ctx) => {
      if (user.id !== ctx.identity.userId) requireRoleAdmin(ctx);
      return (await ctx.loaders.customRolesOfUser.load(user.id)).map(customRoleView);
    },
  },
};
