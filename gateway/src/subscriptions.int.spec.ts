/**
 * The board subscription on the production adapters: events from Kafka, the JWKS in Redis.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createEvent, createKafkaBus } from '@crm/events';
import { RedisCache } from '@crm/runtime';
import { startHarness, type Harness } from './testing/harness.ts';

const topic = `crm.sales.events.gateway-test-${randomUUID()}`;
let h: Harness;
let client: Client | undefined;

beforeAll(async () => {
  h = await startHarness({
    bus: createKafkaBus({ brokers: ['127.0.0.1:9092'], clientId: `gateway-test-${randomUUID()}` }),
    cache: new RedisCache('redis://127.0.0.1:6379', `crm-test-${randomUUID()}:`),
    subscriptions: { topic },
  });
});
afterAll(async () => {
  await client?.dispose();
  await h?.close();
});

it('delivers a deal move published on Kafka to the subscriber of that board', async () => {
  const tenantId = randomUUID();
  const pipelineId = randomUUID();
  const dealId = randomUUID();
  const accountId = randomUUID();
  const data = h.tenant(tenantId);
  data.pipelines.set(pipelineId, { id: pipelineId, name: 'Board' });
  data.accounts.set(accountId, { id: accountId, name: 'Globex' });
  data.deals.set(dealId, { id: dealId, name: 'Renewal', stageId: 'won', accountId });

  const token = await h.token({ tenantId });
  client = createClient({ url: h.wsUrl, webSocketImpl: WebSocket, connectionParams: { token }, retryAttempts: 0 });
  const received = new Promise<unknown>((resolve, reject) => {
    client!.subscribe(
      { query: 'subscription($p: ID!) { pipelineBoard(pipelineId: $p) { type toStageId deal { name account { name } } } }', variables: { p: pipelineId } },
      { next: resolve, error: reject, complete: () => {} },
    );
  });
  while (h.gateway.stats().subscribers < 1) await new Promise((resolve) => setTimeout(resolve, 10));

  await h.bus.publish(topic, [
    createEvent({
      type: 'sales.deal.stage_changed',
      tenantId,
      aggregateId: dealId,
      actor: { userId: null, kind: 'system' },
      payload: { dealId, pipelineId, fromStageId: 'open', toStageId: 'won', amountMinor: '5000', currency: 'USD', sequence: '3' },
    }),
  ]);
  expect(await received).toEqual({ data: { pipelineBoard: { type: 'DEAL_MOVED', toStageId: 'won', deal: { name: 'Renewal', account: { name: 'Globex' } } } } });
  expect(await h.cache.get('g:jwks')).toContain(h.signingKey.kid);
});
