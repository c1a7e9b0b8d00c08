/** Invitations, deactivation, teams and record transfer on real PostgreSQL, through the subgraph's GraphQL. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forTenant } from '@crm/db';
import type { EventEnvelope } from '@crm/events';
import { graphql, identity, seedTenant, startTestPlatform, TEST_PASSWORD, type TestPlatform } from '../../test-support.ts';
import { INVITATION_EMAIL_TEMPLATE } from './services/invitations.ts';

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.stop();
});

const INVITE = 'mutation($input: InviteUserInput!) { inviteUser(input: $input) { id email name role team { name } expiresAt } }';
const ACCEPT = 'mutation($token: String!, $password: String!) { acceptInvitation(token: $token, password: $password) { accessToken user { email role active team { name } tenant { id } } } }';
const LOGIN = 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }';

async function waitForEvent(type: string, aggregateId: string): Promise<EventEnvelope> {
  for (let i = 0; i < 200; i++) {
    const found = t.published.find((event) => event.type === type && event.aggregateId === aggregateId);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no ${type} event for ${aggregateId}`);
}

describe('invitations', () => {
  it('invites by email (queued email, event without the token), and accepting signs the new user in once', async () => {
    const { tenant, admin, as } = await seedTenant(t.platform);
    const team = await t.platform.services.teams.create(tenant.id, { name: 'East' });
    const email = `new-${randomUUID().slice(0, 8)}@example.com`;
    const invited = await graphql<{ inviteUser: { id: string; email: string; role: string; team: { name: string } } }>(t.url, as.admin, INVITE, {
      input: { email: email.toUpperCase(), name: 'Nia New', role: 'SALES_REP', teamId: team.id },
    });
    expect(invited.errors).toBeUndefined();
    expect(invited.data!.inviteUser).toMatchObject({ email, role: 'SALES_REP', team: { name: 'East' } });
    const invitationId = invited.data!.inviteUser.id;

    const db = forTenant(t.platform.prisma, tenant.id);
    const [mail] = await db.outboundEmail.findMany({ where: { to: email } });
    expect(mail).toMatchObject({ template: INVITATION_EMAIL_TEMPLATE, sentAt: null });
    const token = (mail!.data as { token: string }).token;
    const stored = await db.invitation.findUniqueOrThrow({ where: { id: invitationId } });
    expect(stored.tokenHash).not.toContain(token);

    const event = await waitForEvent('platform.user.invited', invitationId);
    expect(event.actor).toEqual({ userId: admin.id, kind: 'user' });
    expect(JSON.stringify(event)).not.toContain(token);
    expect(JSON.stringify(event)).not.toContain(stored.tokenHash);

    const pending = await graphql<{ invitations: Array<{ id: string }> }>(t.url, as.admin, '{ invitations { id } }');
    expect(pending.data!.invitations.map((i) => i.id)).toEqual([invitationId]);

    const accepted = await graphql<{ acceptInvitation: { accessToken: string; user: Record<string, unknown> } }>(t.url, { tenantId: null }, ACCEPT, { token, password: TEST_PASSWORD });
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data!.acceptInvitation.user).toEqual({ email, role: 'SALES_REP', active: true, team: { name: 'East' }, tenant: { id: tenant.id } });
    expect(accepted.data!.acceptInvitation.accessToken).toMatch(/^ey/);

    const again = await graphql(t.url, { tenantId: null }, ACCEPT, { token, password: TEST_PASSWORD });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
    expect((await graphql<{ invitations: unknown[] }>(t.url, as.admin, '{ invitations { id } }')).data!.invitations).toEqual([]);
    expect((await graphql(t.url, { tenantId: null }, LOGIN, { email, password: TEST_PASSWORD })).errors).toBeUndefined();
  });

  it('refuses unknown tokens, short passwords, taken emails, System Admin invitations and non-admins, writing nothing', async () => {
    const { tenant, rep, as } = await seedTenant(t.platform);
    expect((await graphql(t.url, { tenantId: null }, ACCEPT, { token: 'nope', password: TEST_PASSWORD })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
    const { token } = await t.platform.services.invitations.invite(tenant.id, { email: `x-${randomUUID().slice(0, 6)}@example.com`, name: 'X', role: 'SALES_REP' });
    expect((await graphql(t.url, { tenantId: null }, ACCEPT, { token, password: 'short' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });

    const before = await forTenant(t.platform.prisma, tenant.id).invitation.count();
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ email: rep.email, name: 'Dup', role: 'SALES_REP' }, 'CONFLICT', 'email'],
      [{ email: 'root@example.com', name: 'Root', role: 'SYSTEM_ADMIN' }, 'BAD_USER_INPUT', 'role'],
      [{ email: 'not-an-email', name: 'Bad', role: 'SALES_REP' }, 'BAD_USER_INPUT', 'email'],
      [{ email: 'z@example.com', name: 'Z', role: 'SALES_REP', teamId: randomUUID() }, 'BAD_USER_INPUT', 'teamId'],
    ];
    for (const [input, code, field] of cases) {
      expect((await graphql(t.url, as.admin, INVITE, { input })).errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({ code, field });
    }
    expect((await graphql(t.url, as.rep, INVITE, { input: { email: 'r@example.com', name: 'R', role: 'SALES_REP' } })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await forTenant(t.platform.prisma, tenant.id).invitation.count()).toBe(before);
  });
});

describe('deactivation', () => {
  it('stops sign-in at once, keeps the user, and can be undone', async () => {
    const { rep, admin, as } = await seedTenant(t.platform);
    expect((await graphql(t.url, { tenantId: null }, LOGIN, { email: rep.email, password: TEST_PASSWORD })).errors).toBeUndefined();

    const deactivated = await graphql<{ deactivateUser: { active: boolean } }>(t.url, as.admin, 'mutation($id: ID!) { deactivateUser(id: $id) { active } }', { id: rep.id });
    expect(deactivated.data!.deactivateUser.active).toBe(false);
    const event = await waitForEvent('platform.user.deactivated', rep.id);
    expect(event.payload).toEqual({ userId: rep.id, changed: { active: { from: true, to: false } } });

    expect(await t.platform.services.membership.isActive(rep.tenantId, rep.id)).toBe(false);
    expect(await t.platform.services.membership.isActive(rep.tenantId, admin.id)).toBe(true);
    expect(await t.platform.services.membership.isActive(randomUUID(), admin.id)).toBe(false);
    const refused = await graphql(t.url, { tenantId: null }, LOGIN, { email: rep.email, password: TEST_PASSWORD });
    expect(refused.errors?.[0]).toMatchObject({ message: 'This account is deactivated', extensions: { code: 'UNAUTHENTICATED' } });

    expect((await graphql(t.url, as.admin, 'mutation($id: ID!) { deactivateUser(id: $id) { id } }', { id: admin.id })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await graphql(t.url, as.manager, 'mutation($id: ID!) { deactivateUser(id: $id) { id } }', { id: admin.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await graphql(t.url, as.admin, 'mutation($id: ID!) { deactivateUser(id: $id) { id } }', { id: randomUUID() })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    await graphql(t.url, as.admin, 'mutation($id: ID!) { reactivateUser(id: $id) { active } }', { id: rep.id });
    expect((await graphql(t.url, { tenantId: null }, LOGIN, { email: rep.email, password: TEST_PASSWORD })).errors).toBeUndefined();
  });
});

describe('teams and record transfer', () => {
  it('creates teams, assigns members and managers, and hands a departing user’s records and teams on', async () => {
    const { tenant, manager, rep, admin, as } = await seedTenant(t.platform);
    const created = await graphql<{ createTeam: { id: string } }>(t.url, as.admin, 'mutation($input: CreateTeamInput!) { createTeam(input: $input) { id } }', {
      input: { name: 'West', managerId: manager.id },
    });
    const teamId = created.data!.createTeam.id;
    const assigned = await graphql<{ assignUserToTeam: { team: { id: string; manager: { id: string } } } }>(
      t.url,
      as.admin,
      'mutation($u: ID!, $t: ID) { assignUserToTeam(userId: $u, teamId: $t) { team { id manager { id } } } }',
      { u: rep.id, t: teamId },
    );
    expect(assigned.data!.assignUserToTeam.team).toEqual({ id: teamId, manager: { id: manager.id } });

    const transfer = await graphql<{ transferUserRecords: { fromUser: { id: string }; toUser: { id: string }; teams: Array<{ id: string; manager: { id: string } }> } }>(
      t.url,
      as.admin,
      'mutation($from: ID!, $to: ID!) { transferUserRecords(fromUserId: $from, toUserId: $to) { fromUser { id } toUser { id } teams { id manager { id } } } }',
      { from: manager.id, to: admin.id },
    );
    expect(transfer.errors).toBeUndefined();
    expect(transfer.data!.transferUserRecords).toEqual({ fromUser: { id: manager.id }, toUser: { id: admin.id }, teams: [{ id: teamId, manager: { id: admin.id } }] });
    const event = await waitForEvent('platform.user.records_transferred', manager.id);
    expect(event.payload).toEqual({ fromUserId: manager.id, toUserId: admin.id, teamIds: [teamId] });
    expect(event.tenantId).toBe(tenant.id);

    // Not to oneself, not to an inactive user, not across tenants.
    const transferTo = (from: string, to: string) =>
      graphql(t.url, as.admin, 'mutation($from: ID!, $to: ID!) { transferUserRecords(fromUserId: $from, toUserId: $to) { requestedAt } }', { from, to });
    expect((await transferTo(rep.id, rep.id)).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'toUserId' });
    await t.platform.services.membership.deactivate(tenant.id, manager.id);
    expect((await transferTo(rep.id, manager.id)).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'toUserId' });
    const other = await seedTenant(t.platform);
    expect((await transferTo(rep.id, other.admin.id)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await graphql(t.url, identity(tenant.id, rep.id, ['SALES_REP']), 'mutation($from: ID!, $to: ID!) { transferUserRecords(fromUserId: $from, toUserId: $to) { requestedAt } }', { from: manager.id, to: rep.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
