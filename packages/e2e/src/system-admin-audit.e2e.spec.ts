/**
 * System Admin access to a tenant is itself audited: when a System Admin acts in a tenant, the
 * tenant's own admins find it in their audit log (one entry per System Admin per 15 minutes), and
 * nobody else's requests produce such an entry.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createTenantWithUsers, eventually, gqlOk, startRealStack } from '@crm/testkit';

let stack: Stack;

beforeAll(async () => {
  stack = await startRealStack();
});
afterAll(async () => {
  await stack?.stop();
});

interface AuditEntries {
  auditLog: { edges: Array<{ node: { action: string; recordType: string; recordId: string; actorId: string | null; actorKind: string } }> };
}
const AUDIT = 'query($filter: AuditLogFilter) { auditLog(filter: $filter, first: 50) { edges { node { action recordType recordId actorId actorKind } } } }';
const ACCESSED = 'platform.tenant.system_admin_accessed';

describe('System Admin access', () => {
  it('appears in the tenant’s audit log, once per working session, and only for System Admins', async () => {
    const slug = `sysadmin-${randomUUID().slice(0, 8)}`;
    const password = `pw-${randomUUID()}`;
    const { tenantId, users } = await createTenantWithUsers(stack, { name: 'Audited Inc', slug }, [
      { email: `admin@${slug}.test`, name: 'Tenant Admin', role: 'TENANT_ADMIN', password },
      { email: `operator@${slug}.test`, name: 'Platform Operator', role: 'SYSTEM_ADMIN', password },
    ]);
    const [admin, operator] = users as [(typeof users)[0], (typeof users)[0]];
    const other = await createTenantWithUsers(stack, { name: 'Elsewhere Inc', slug: `${slug}-other` }, [{ email: `admin@${slug}-other.test`, name: 'Other Admin', role: 'TENANT_ADMIN', password }]);

    await gqlOk(stack.gatewayUrl, '{ contacts(first: 5) { id } }', {}, { token: operator.token });
    await gqlOk(stack.gatewayUrl, '{ users { id } }', {}, { token: operator.token });
    await gqlOk(stack.gatewayUrl, '{ contacts(first: 5) { id } }', {}, { token: admin.token });

    const entries = await eventually(async () => {
      const data = await gqlOk<AuditEntries>(stack.gatewayUrl, AUDIT, { filter: { recordId: tenantId } }, { token: admin.token });
      const accessed = data.auditLog.edges.map((edge) => edge.node).filter((node) => node.action === ACCESSED);
      return accessed.length ? accessed : null;
    }, 30_000, 200);
    expect(entries).toEqual([{ action: ACCESSED, recordType: 'tenant', recordId: tenantId, actorId: operator.id, actorKind: 'user' }]);

    // the tenant admin's own requests leave no such entry, and the other tenant sees nothing of it
    const byAdmin = await gqlOk<AuditEntries>(stack.gatewayUrl, AUDIT, { filter: { actorId: admin.id } }, { token: admin.token });
    expect(byAdmin.auditLog.edges.filter((edge) => edge.node.action === ACCESSED)).toEqual([]);
    const elsewhere = await gqlOk<AuditEntries>(stack.gatewayUrl, AUDIT, { filter: { recordId: tenantId } }, { token: other.users[0]!.token });
    expect(elsewhere.auditLog.edges).toEqual([]);
  });
});
