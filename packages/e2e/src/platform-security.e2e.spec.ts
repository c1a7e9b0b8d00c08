/**
 * Platform security through the gateway on real PostgreSQL, Redis and Kafka: API keys are shown
 * once and listed without their secret, every change lands in the audit log (here a deal moved in
 * the sales subgraph), only tenant admins read the audit log, invited users join with their own
 * password, and deactivated users can no longer sign in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { eventually, gql, gqlOk, login, moveDeal, startRealStack } from '@crm/testkit';
import { seedSalesTenant, type SalesTenant } from './fixtures.ts';

let stack: Stack;
let acme: SalesTenant;
let globex: SalesTenant;

beforeAll(async () => {
  stack = await startRealStack();
  [acme, globex] = [await seedSalesTenant(stack, 'acme', 2), await seedSalesTenant(stack, 'globex', 1)];
});
afterAll(async () => {
  await stack?.stop();
});

const AUDIT_LOG = `query AuditLog($filter: AuditLogFilter, $first: Int) {
  auditLog(filter: $filter, first: $first) {
    edges { node { action recordType recordId actorId actorKind changes occurredAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface AuditLogData {
  auditLog: {
    edges: Array<{ node: { action: string; recordType: string; recordId: string; actorId: string | null; actorKind: string; changes: unknown } }>;
  };
}

describe('API keys', () => {
  it('shows a new key once and lists keys without their secret', async () => {
    const created = await gqlOk<{ createApiKey: { key: string; apiKey: { id: string; prefix: string; role: string; active: boolean } } }>(
      stack.gatewayUrl,
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id prefix role active } } }',
      { input: { name: 'Partner sync', role: 'SALES_REP' } },
      { token: acme.admin.token },
    );
    const { key, apiKey } = created.createApiKey;
    expect(key).toMatch(/^crm_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ prefix: key.slice(0, 12), role: 'SALES_REP', active: true });

    const listed = await gql<{ apiKeys: Array<{ id: string; name: string; prefix: string; lastUsedAt: string | null }> }>(
      stack.gatewayUrl,
      '{ apiKeys { id name prefix lastUsedAt } }',
      {},
      { token: acme.admin.token },
    );
    expect(listed.data?.apiKeys).toEqual([{ id: apiKey.id, name: 'Partner sync', prefix: apiKey.prefix, lastUsedAt: null }]);
    expect(JSON.stringify(listed)).not.toContain(key.slice(12));

    // Other tenants do not see it; reps may not manage keys.
    const foreign = await gqlOk<{ apiKeys: unknown[] }>(stack.gatewayUrl, '{ apiKeys { id } }', {}, { token: globex.admin.token });
    expect(foreign.apiKeys).toEqual([]);
    const rep = await gql(stack.gatewayUrl, '{ apiKeys { id } }', {}, { token: acme.rep.token });
    expect(rep.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('audit log', () => {
  it('records a deal move made in the sales subgraph, with its actor', async () => {
    const deal = acme.deals[0]!;
    const target = acme.pipeline.stages[1]!;
    await moveDeal(stack.gatewayUrl, acme.admin.token, deal.id, target.id);

    const entry = await eventually(
      async () => {
        const data = await gqlOk<AuditLogData>(stack.gatewayUrl, AUDIT_LOG, { filter: { recordId: deal.id } }, { token: acme.admin.token });
        return data.auditLog.edges.map((edge) => edge.node).find((node) => node.action === 'sales.deal.stage_changed');
      },
      60_000,
      200,
    );
    expect(entry).toMatchObject({ recordType: 'deal', recordId: deal.id, actorId: acme.admin.id, actorKind: 'user' });

    // Filtering by actor finds it too; another tenant's admin sees nothing of it.
    const byActor = await gqlOk<AuditLogData>(stack.gatewayUrl, AUDIT_LOG, { filter: { recordId: deal.id, actorId: acme.admin.id } }, { token: acme.admin.token });
    expect(byActor.auditLog.edges.map((edge) => edge.node.action)).toContain('sales.deal.stage_changed');
    const foreign = await gqlOk<AuditLogData>(stack.gatewayUrl, AUDIT_LOG, { filter: { recordId: deal.id } }, { token: globex.admin.token });
    expect(foreign.auditLog.edges).toEqual([]);
  });

  it('is FORBIDDEN to a sales rep', async () => {
    const result = await gql(stack.gatewayUrl, AUDIT_LOG, {}, { token: acme.rep.token });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(result.data?.auditLog ?? null).toBeNull();
  });
});

describe('users', () => {
  it('invites a user who joins with their own password, and a deactivated user cannot sign in', async () => {
    const email = `invitee@${acme.slug}.test`;
    const invited = await gqlOk<{ inviteUser: { id: string; email: string } }>(
      stack.gatewayUrl,
      'mutation($input: InviteUserInput!) { inviteUser(input: $input) { id email } }',
      { input: { email, name: 'Ivy Invitee', role: 'SALES_REP' } },
      { token: acme.admin.token },
    );
    expect(invited.inviteUser.email).toBe(email);

    // The token travels only in the queued email, never through the API or events.
    const platform = stack.subgraphs.platform.subgraph;
    const mail = await platform.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.tenant_id', ${acme.tenantId}, true)`;
      return tx.outboundEmail.findFirstOrThrow({ where: { to: email } });
    });
    const token = (mail.data as { token: string }).token;
    const password = 'a long and private passphrase';
    const joined = await gqlOk<{ acceptInvitation: { accessToken: string; user: { id: string; email: string; tenant: { slug: string } } } }>(
      stack.gatewayUrl,
      'mutation($token: String!, $password: String!) { acceptInvitation(token: $token, password: $password) { accessToken user { id email tenant { slug } } } }',
      { token, password },
    );
    expect(joined.acceptInvitation.user).toMatchObject({ email, tenant: { slug: acme.slug } });
    const me = await gqlOk<{ me: { email: string } }>(stack.gatewayUrl, '{ me { email } }', {}, { token: joined.acceptInvitation.accessToken });
    expect(me.me.email).toBe(email);

    await gqlOk(stack.gatewayUrl, 'mutation($id: ID!) { deactivateUser(id: $id) { active } }', { id: joined.acceptInvitation.user.id }, { token: acme.admin.token });
    await expect(login(stack.gatewayUrl, email, password, acme.slug)).rejects.toThrow(/deactivated/);
  });
});
