/** `POST /internal/users/team-facts` on real PostgreSQL: the team facts the gateway adds to identities. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_HEADER, signIdentity } from '@crm/runtime';
import { withTenantTransaction } from '@crm/db';
import { identity, seedTenant, startTestPlatform, TEST_SIGNING_SECRET, type TestPlatform } from '../../test-support.ts';
import { TEAM_FACTS_PATH } from './lib/team-facts-route.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.stop();
});

async function ask(body: unknown, signed = true) {
  const response = await fetch(`${t.url}${TEAM_FACTS_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signed ? { [IDENTITY_HEADER]: signIdentity(identity(null), TEST_SIGNING_SECRET) } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('team facts', () => {
  it('names the team and its members and managers, for members and for managers of several teams', async () => {
    const seeded = await seedTenant(t.platform);
    const { services } = t.platform;
    const tenantId = seeded.tenant.id;
    const mate = await services.users.create(tenantId, { email: `mate-${randomUUID()}@example.com`, name: 'Mate', password: 'correct horse battery staple', role: 'SALES_REP' });
    const other = await services.users.create(tenantId, { email: `other-${randomUUID()}@example.com`, name: 'Other', password: 'correct horse battery staple', role: 'SALES_REP' });
    const alpha = await services.teams.create(tenantId, { name: 'Alpha', managerId: seeded.manager.id });
    const beta = await services.teams.create(tenantId, { name: 'Beta', managerId: seeded.manager.id });
    await withTenantTransaction(t.platform.prisma, tenantId, async (tx) => {
      await tx.user.updateMany({ where: { id: { in: [seeded.rep.id, mate.id] } }, data: { teamId: alpha.id } });
      await tx.user.updateMany({ where: { id: other.id }, data: { teamId: beta.id } });
    });

    const rep = await ask({ tenantId, userId: seeded.rep.id });
    expect(rep.status).toBe(200);
    expect(rep.body).toEqual({ teamId: alpha.id, teamMemberIds: [seeded.manager.id, seeded.rep.id, mate.id].sort(), customGrants: {} });

    const manager = await ask({ tenantId, userId: seeded.manager.id });
    expect(manager.body).toEqual({ teamId: alpha.id, teamMemberIds: [seeded.manager.id, seeded.rep.id, mate.id, other.id].sort(), customGrants: {} });

    expect((await ask({ tenantId, userId: seeded.admin.id })).body).toEqual({ teamId: null, teamMemberIds: [], customGrants: {} });
    expect((await ask({ tenantId: randomUUID(), userId: seeded.rep.id })).body).toEqual({ teamId: null, teamMemberIds: [], customGrants: {} });
  });

  it('answers only the gateway, and only well-formed questions', async () => {
    expect((await ask({ tenantId: randomUUID(), userId: randomUUID() }, false)).status).toBe(401);
    const bad = await ask({ tenantId: 'nope', userId: randomUUID() });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
  });
});
