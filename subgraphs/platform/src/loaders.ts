/**
 * Request-scoped DataLoaders: each entity type costs one SQL query per tick, however many
 * references a request resolves. Loaders read through the tenant-scoped client and drop
 * rows of any other tenant, so a foreign id resolves to null.
 */
import DataLoader from 'dataloader';
import type { CustomRoleModel, TeamModel, TenantModel, UserModel } from './__generated__/prisma/models.ts';
import { Role } from './__generated__/prisma/enums.ts';
import type { TenantDb } from './context.ts';
import { isUuid } from './lib/arguments.ts';

export interface Loaders {
  user: DataLoader<string, UserModel | null>;
  team: DataLoader<string, TeamModel | null>;
  tenant: DataLoader<string, TenantModel | null>;
  /** Members of a team, oldest first. */
  usersByTeam: DataLoader<string, UserModel[]>;
  /** Users whose built-in role is the key (a `Role` name), oldest first. */
  usersByBuiltInRole: DataLoader<string, UserModel[]>;
  /** Users holding a custom role (by role id), oldest first. */
  usersByCustomRole: DataLoader<string, UserModel[]>;
  /** The custom roles a user holds, by name. */
  customRolesOfUser: DataLoader<string, CustomRoleModel[]>;
}

/** The tenant a request reads as; null for anonymous requests, which can load nothing. */
export interface LoaderScope {
  tenantId: string;
  db: TenantDb;
}

function byKey<T extends { id: string }>(keys: readonly string[], rows: T[]): (T | null)[] {
  const found = new Map(rows.map((row) => [row.id, row]));
  return keys.map((key) => found.get(key) ?? null);
}

/** Keys that can name a record; anything else resolves to null without a query. */
const queryable = (keys: readonly string[]) => [...new Set(keys.filter(isUuid))];

export function createLoaders(scope: LoaderScope | null): Loaders {
  const none = async <T>(keys: readonly string[], empty: T) => keys.map(() => empty);
  if (!scope) {
    return {
      user: new DataLoader((keys) => none(keys, null)),
      team: new DataLoader((keys) => none(keys, null)),
      tenant: new DataLoader((keys) => none(keys, null)),
      usersByTeam: new DataLoader((keys) => none<UserModel[]>(keys, [])),
      usersByBuiltInRole: new DataLoader((keys) => none<UserModel[]>(keys, [])),
      usersByCustomRole: new DataLoader((keys) => none<UserModel[]>(keys, [])),
      customRolesOfUser: new DataLoader((keys) => none<CustomRoleModel[]>(keys, [])),
    };
  }
  const { tenantId, db } = scope;
  const own = <T extends { tenantId: string }>(rows: T[]) => rows.filter((row) => row.tenantId === tenantId);

  return {
    user: new DataLoader(async (keys) => {
      const ids = queryable(keys);
      return byKey(keys, ids.length ? own(await db.user.findMany({ where: { id: { in: ids } } })) : []);
    }),
    team: new DataLoader(async (keys) => {
      const ids = queryable(keys);
      return byKey(keys, ids.length ? own(await db.team.findMany({ where: { id: { in: ids } } })) : []);
    }),
    tenant: new DataLoader(async (keys) => {
      // A tenant can only ever read itself.
      const ids = queryable(keys).filter((id) => id === tenantId);
      return byKey(keys, ids.length ? await db.tenant.findMany({ where: { id: { in: ids } } }) : []);
    }),
    usersByTeam: new DataLoader(async (keys) => {
      const ids = queryable(keys);
      const rows = ids.length
        ? own(await db.user.findMany({ where: { teamId: { in: ids } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }))
        : [];
      const byTeam = new Map<string, UserModel[]>();
      for (const row of rows) {
        if (!row.teamId) continue;
        const members = byTeam.get(row.teamId);
        if (members) members.push(row);
        else byTeam.set(row.teamId, [row]);
      }
      return keys.map((key) => byTeam.get(key) ?? []);
    }),
    usersByBuiltInRole: new DataLoader(async (keys) => {
      const roles = [...new Set(keys)].filter((key): key is Role => ROLE_NAMES.includes(key));
      const rows = roles.length ? own(await db.user.findMany({ where: { role: { in: roles } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })) : [];
      return keys.map((key) => rows.filter((row) => row.role === key));
    }),
    usersByCustomRole: new DataLoader(async (keys) => {
      const ids = queryable(keys);
      const held = ids.length ? own(await db.userCustomRole.findMany({ where: { roleId: { in: ids } } })) : [];
      const users = held.length ? own(await db.user.findMany({ where: { id: { in: [...new Set(held.map((row) => row.userId))] } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })) : [];
      return keys.map((key) => users.filter((user) => held.some((row) => row.roleId === key && row.userId === user.id)));
    }),
    customRolesOfUser: new DataLoader(async (keys) => {
      const ids = queryable(keys);
      const held = ids.length ? own(await db.userCustomRole.findMany({ where: { userId: { in: ids } }, include: { role: true } })) : [];
      return keys.map((key) => held.filter((row) => row.userId === key).map((row) => row.role).sort((a, b) => a.name.localeCompare(b.name)));
    }),
  };
}

const ROLE_NAMES: readonly string[] = Object.values(Role);
