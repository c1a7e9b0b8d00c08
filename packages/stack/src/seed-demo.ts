/**
 * The demo tenant `pnpm start` creates on first run: three users (one per everyday role), the
 * manager leading a team with the rep, a sales pipeline, accounts and deals spread over the
 * stages and owned by the manager or the rep. The admin sees everything, the manager the team's
 * records, the rep their own.
 */
import { createAccount, createDeal, createPipeline, createTeam, createTenantWithUsers, STANDARD_STAGES, type Role } from './seed.ts';
import type { Stack } from './stack.ts';

export const DEMO = {
  tenantName: 'Acme Corporation',
  tenantSlug: 'acme',
  password: 'demo-password-2026',
  users: [
    { email: 'admin@acme.test', name: 'Ada Admin', role: 'TENANT_ADMIN' as Role },
    { email: 'manager@acme.test', name: 'Max Manager', role: 'SALES_MANAGER' as Role },
    { email: 'rep@acme.test', name: 'Rita Rep', role: 'SALES_REP' as Role },
  ],
};

const ACCOUNTS = [
  { name: 'Globex', domain: 'globex.example', industry: 'Manufacturing' },
  { name: 'Initech', domain: 'initech.example', industry: 'Software' },
  { name: 'Umbrella Health', domain: 'umbrella.example', industry: 'Healthcare' },
  { name: 'Stark Logistics', domain: 'stark.example', industry: 'Logistics' },
];

/** Seeds the demo tenant unless it exists. Returns true when it seeded. */
export async function seedDemoTenant(stack: Stack): Promise<boolean> {
  const platform = stack.subgraphs.platform.subgraph.services;
  if (await platform.tenants.findBySlug(DEMO.tenantSlug)) return false;
  const { users } = await createTenantWithUsers(
    stack,
    { name: DEMO.tenantName, slug: DEMO.tenantSlug },
    DEMO.users.map((u) => ({ ...u, password: DEMO.password })),
  );
  const [admin, manager, rep] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0]];
  const url = stack.gatewayUrl;
  await createTeam(url, admin.token, { name: 'Field sales', managerId: manager.id, memberIds: [manager.id, rep.id] });
  const pipeline = await createPipeline(url, admin.token, 'New business', STANDARD_STAGES);
  const accounts = [];
  // account i goes with deals i, i + 4: owned by the manager (even) or the rep (odd), like those deals
  for (const [i, account] of ACCOUNTS.entries()) accounts.push(await createAccount(url, admin.token, { ...account, ownerId: (i % 2 === 0 ? manager : rep).id }));
  const amounts = ['12000', '48000', '7500', '150000', '23000', '61000', '9900', '32000'];
  // one name per deal: an account's two deals are told apart on the board
  const DEAL_KINDS = ['Platform licence', 'Expansion', 'Pilot', 'Renewal', 'Support plan', 'Add-on seats', 'Onboarding services', 'Upgrade'];
  for (const [i, amount] of amounts.entries()) {
    await createDeal(url, admin.token, {
      pipelineId: pipeline.id,
      stageId: pipeline.stages[i % 4]!.id,
      name: `${accounts[i % accounts.length]!.name} — ${DEAL_KINDS[i]}`,
      amount,
      currency: 'USD',
      accountId: accounts[i % accounts.length]!.id,
      ownerId: (i % 2 === 0 ? manager : rep).id,
    });
  }
  return true;
}
