/** Shared set-up and reads of the end-to-end suites: a fresh tenant per test file (users of each role, a pipeline, accounts and deals), a tenant on a plan, an erasure's audit trail. */
import { randomUUID } from 'node:crypto';
import { createAccount, createDeal, createPipeline, createTenantWithUsers, login, STANDARD_STAGES, type Stack } from '@crm/stack';
import { gqlOk } from '@crm/testkit';

/** A tenant on `plan` (free, team, business, enterprise), with an admin signed in. */
export async function tenantOnPlan(stack: Stack, plan: string) {
  const unique = randomUUID().slice(0, 8);
  const { services } = stack.subgraphs.platform.subgraph;
  const tenant = await services.tenants.create({ name: `${plan} ${unique}`, slug: `${plan}-${unique}`, plan });
  const password = `pw-${randomUUID()}`;
  const email = `admin@${plan}-${unique}.test`;
  const admin = await services.users.create(tenant.id, { email, name: `${plan} admin`, password, role: 'TENANT_ADMIN' });
  return { tenantId: tenant.id, adminId: admin.id, token: await login(stack.gatewayUrl, email, password, tenant.slug) };
}

export async function seedSalesTenant(stack: Stack, label: string, dealCount = 6) {
  const slug = `${label}-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const tenant = await createTenantWithUsers(stack, { name: `${label} Inc`, slug }, [
    { email: `admin@${slug}.test`, name: `${label} Admin`, role: 'TENANT_ADMIN', password },
    { email: `rep@${slug}.test`, name: `${label} Rep`, role: 'SALES_REP', password },
  ]);
  const [admin, rep] = tenant.users as [(typeof tenant.users)[0], (typeof tenant.users)[0]];
  const url = stack.gatewayUrl;
  const pipeline = await createPipeline(url, admin.token, `${label} pipeline`, STANDARD_STAGES);
  const accounts = [
    await createAccount(url, admin.token, { name: `${label} Alpha`, domain: `alpha-${slug}.example` }),
    await createAccount(url, admin.token, { name: `${label} Beta`, domain: `beta-${slug}.example` }),
  ];
  const deals = [];
  for (let i = 0; i < dealCount; i++) {
    deals.push(
      await createDeal(url, admin.token, {
        pipelineId: pipeline.id,
        stageId: pipeline.stages[0]!.id,
        name: `${label} deal ${i}`,
        amount: `${(i + 1) * 1000}.50`,
        currency: 'USD',
        accountId: accounts[i % 2]!.id,
        ownerId: (i % 2 ? rep : admin).id,
      }),
    );
  }
  return { ...tenant, admin, rep, pipeline, accounts, deals, password };
}

export type SalesTenant = Awaited<ReturnType<typeof seedSalesTenant>>;

/** The actions of an erasure's own audit trail (requested, each subgraph's report, completed), sorted. */
export async function erasureTrail(gatewayUrl: string, token: string, erasureId: string): Promise<string[]> {
  const entries = await gqlOk<{ auditLog: { edges: { node: { action: string } }[] } }>(
    gatewayUrl,
    'query ($id: ID!) { auditLog(filter: { recordId: $id }) { edges { node { action } } } }',
    { id: erasureId },
    { token },
  );
  return entries.auditLog.edges.map((edge) => edge.node.action).sort();
}
