import { describe, expect, it, vi } from 'vitest';
import type { TeamModel, TenantModel, UserModel } from './__generated__/prisma/models.ts';
import type { TenantDb } from './context.ts';
import { createLoaders } from './loaders.ts';

const TENANT = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const user = (n: number, tenantId = TENANT, teamId: string | null = null): UserModel => ({
  id: id(n),
  tenantId,
  email: `u${n}@example.com`,
  name: `User ${n}`,
  passwordHash: 'hash',
  role: 'SALES_REP',
  teamId,
  active: true,
  createdAt: new Date(0),
  emailNotifications: true,
});

function stubDb(users: UserModel[]) {
  const findUsers = vi.fn(async ({ where }: { where: { id?: { in: string[] }; teamId?: { in: string[] } } }) =>
    users.filter((u) => (where.id ? where.id.in.includes(u.id) : where.teamId!.in.includes(u.teamId ?? ''))),
  );
  const findTenants = vi.fn(async (): Promise<TenantModel[]> => []);
  const findTeams = vi.fn(async (): Promise<TeamModel[]> => []);
  const db = { user: { findMany: findUsers }, tenant: { findMany: findTenants }, team: { findMany: findTeams } } as unknown as TenantDb;
  return { db, findUsers, findTenants, findTeams };
}

describe('loaders', () => {
  it('batches one query per tick and answers in key order, null for missing', async () => {
    const { db, findUsers } = stubDb([user(1), user(2)]);
    const loaders = createLoaders({ tenantId: TENANT, db });
    const result = await Promise.all([id(2), id(9), id(1), id(2)].map((key) => loaders.user.load(key)));
    expect(result.map((u) => u?.id ?? null)).toEqual([id(2), null, id(1), id(2)]);
    expect(findUsers).toHaveBeenCalledTimes(1);
    expect(findUsers.mock.calls[0]![0].where.id!.in.sort()).toEqual([id(1), id(2), id(9)]);
  });

  it("drops another tenant's rows and never queries ids that are not uuids", async () => {
    const { db, findUsers } = stubDb([user(1), user(3, OTHER)]);
    const loaders = createLoaders({ tenantId: TENANT, db });
    expect(await loaders.user.loadMany([id(3), 'not-a-uuid'])).toEqual([null, null]);
    expect(findUsers.mock.calls[0]![0].where.id!.in).toEqual([id(3)]);
  });

  it('groups team members by team and only ever loads the own tenant', async () => {
    const team = id(50);
    const { db, findTenants } = stubDb([user(1, TENANT, team), user(2, TENANT, team), user(3)]);
    const loaders = createLoaders({ tenantId: TENANT, db });
    expect((await loaders.usersByTeam.load(team)).map((u) => u.id)).toEqual([id(1), id(2)]);
    expect(await loaders.usersByTeam.load(id(51))).toEqual([]);
    expect(await loaders.tenant.load(OTHER)).toBeNull();
    expect(findTenants).not.toHaveBeenCalled();
  });

  it('loads nothing for anonymous requests', async () => {
    const loaders = createLoaders(null);
    expect(await loaders.user.load(id(1))).toBeNull();
    expect(await loaders.usersByTeam.load(id(1))).toEqual([]);
  });
});
