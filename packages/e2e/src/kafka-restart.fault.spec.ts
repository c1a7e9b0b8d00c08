/**
 * A Kafka broker restart loses nothing: writes keep committing (events wait in the outbox),
 * and once the broker is back the read model and live subscribers catch up.
 * Runs alone (the `fault` project) because it stops the shared broker.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { repoRoot, type Stack } from '@crm/stack';
import { eventually, gqlOk, startRealStack, subscribe, subscribersReady } from '@crm/testkit';
import { seedSalesTenant, type SalesTenant } from './fixtures.ts';

const run = promisify(execFile);
const kafka = (command: string) => run('bash', [join(repoRoot, 'scripts/infra/kafka.sh'), command], { timeout: 120_000 });

let stack: Stack;
let tenant: SalesTenant;

beforeAll(async () => {
  stack = await startRealStack();
  tenant = await seedSalesTenant(stack, 'fault', 3);
});
afterAll(async () => {
  await kafka('start'); // never leave the shared broker down
  await stack?.stop();
});

it('keeps every event through a broker restart; read model and subscribers catch up', async () => {
  const watcher = subscribe<{ pipelineBoard: { dealId: string; toStageId: string } }>(
    stack.wsUrl,
    tenant.admin.token,
    'subscription($p: ID!) { pipelineBoard(pipelineId: $p) { dealId toStageId } }',
    { p: tenant.pipeline.id },
  );
  await subscribersReady(stack.gateway, 1);
  const target = tenant.pipeline.stages[3]!;
  try {
    await kafka('stop');
    // Writes still succeed while the broker is down: the events wait in the outbox.
    for (const deal of tenant.deals) {
      await gqlOk(stack.gatewayUrl, 'mutation($id: ID!, $s: ID!) { moveDeal(id: $id, stageId: $s) { id } }', { id: deal.id, s: target.id }, { token: tenant.admin.token });
    }
    const pending = await stack.subgraphs.sales.subgraph.prisma.outboxEvent.count({ where: { publishedAt: null, tenantId: tenant.tenantId } });
    expect(pending).toBe(tenant.deals.length);

    await kafka('start');

    for (const deal of tenant.deals) {
      await watcher.next((p) => p.data?.pipelineBoard.dealId === deal.id && p.data.pipelineBoard.toStageId === target.id, 90_000);
    }
    const summary = await eventually(async () => {
      const data = await gqlOk<{ pipelineSummary: { stages: Array<{ stage: { id: string }; dealCount: number }> } }>(
        stack.gatewayUrl,
        'query($p: ID!) { pipelineSummary(pipelineId: $p) { stages { stage { id } dealCount } } }',
        { p: tenant.pipeline.id },
        { token: tenant.admin.token },
      );
      const s = data.pipelineSummary.stages.find((x) => x.stage.id === target.id);
      return s?.dealCount === tenant.deals.length ? data.pipelineSummary : null;
    }, 90_000);
    expect(summary.stages).toEqual([{ stage: { id: target.id }, dealCount: tenant.deals.length }]);
    const unpublished = await stack.subgraphs.sales.subgraph.prisma.outboxEvent.count({ where: { publishedAt: null, tenantId: tenant.tenantId } });
    expect(unpublished).toBe(0);
  } finally {
    await watcher.close();
  }
}, 240_000);
