/**
 * The embedded start path (PGlite, in-process bus, in-memory cache) runs the same code:
 * log in, read across subgraphs, receive a subscription event.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemoTenant, DEMO, login, type Stack } from '@crm/stack';
import { gqlOk, startEmbeddedStack, subscribe, subscribersReady } from '@crm/testkit';

let stack: Stack;

beforeAll(async () => {
  stack = await startEmbeddedStack();
  expect(await seedDemoTenant(stack)).toBe(true);
});
afterAll(async () => {
  await stack?.stop();
});

it('serves the demo tenant end to end without any external service', async () => {
  expect(stack.config.mode).toBe('embedded');
  expect(stack.bus.kind).toBe('memory');
  expect(stack.cache.kind).toBe('memory');

  // the demo's admin sees all its deals and accounts (its rep and manager own half the deals each)
  const token = await login(stack.gatewayUrl, DEMO.users[0]!.email, DEMO.password, DEMO.tenantSlug);
  const { pipelines } = await gqlOk<{ pipelines: Array<{ id: string; stages: Array<{ id: string; name: string }> }> }>(
    stack.gatewayUrl,
    '{ pipelines { id stages { id name } } }',
    {},
    { token },
  );
  const pipeline = pipelines[0]!;
  const { deals } = await gqlOk<{ deals: Array<{ id: string; name: string; stage: { id: string }; account: { name: string }; owner: { name: string } }> }>(
    stack.gatewayUrl,
    'query($p: ID!) { deals(pipelineId: $p) { id name stage { id } account { name } owner { name } } }',
    { p: pipeline.id },
    { token },
  );
  expect(deals).toHaveLength(8);
  expect(new Set(deals.map((d) => d.name)).size).toBe(8);
  expect(deals.every((d) => d.account.name && d.owner.name)).toBe(true);

  // the manager leads a team with the rep: the manager sees the team's deals, the rep only their own
  const dealsOf = async (email: string) => {
    const as = await login(stack.gatewayUrl, email, DEMO.password, DEMO.tenantSlug);
    const page = await gqlOk<{ deals: Array<{ owner: { name: string }; account: { name: string } | null }> }>(
      stack.gatewayUrl,
      'query($p: ID!) { deals(pipelineId: $p) { owner { name } account { name } } }',
      { p: pipeline.id },
      { token: as },
    );
    return page.deals;
  };
  const [manager, rep] = [DEMO.users[1]!, DEMO.users[2]!];
  expect(await dealsOf(manager.email)).toHaveLength(8);
  const repDeals = await dealsOf(rep.email);
  expect(repDeals).toHaveLength(4);
  expect(repDeals.every((d) => d.owner.name === rep.name && d.account !== null)).toBe(true);

  const watcher = subscribe<{ pipelineBoard: { type: string; deal: { name: string; account: { name: string } } } }>(
    stack.wsUrl,
    token,
    'subscription($p: ID!) { pipelineBoard(pipelineId: $p) { type deal { name account { name } } } }',
    { p: pipeline.id },
  );
  try {
    await subscribersReady(stack.gateway, 1);
    const deal = deals[0]!;
    const next = pipeline.stages.find((s) => s.id !== deal.stage.id)!;
    await gqlOk(stack.gatewayUrl, 'mutation($id: ID!, $s: ID!) { moveDeal(id: $id, stageId: $s) { id } }', { id: deal.id, s: next.id }, { token });
    const event = await watcher.next((p) => p.data?.pipelineBoard.type === 'DEAL_MOVED');
    expect(event.data?.pipelineBoard.deal).toEqual({ name: deal.name, account: { name: deal.account.name } });
  } finally {
    await watcher.close();
  }
});
