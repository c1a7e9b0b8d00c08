/**
 * Another gateway instance over a running stack's subgraphs, bus and cache: for tests and
 * benchmarks that need a second instance (a write through one, a read through the other) or one
 * with other settings (limits, caches). Its consumer groups and rate-limit counters are its own,
 * so it neither takes events from the stack's gateway nor counts the stack's requests.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createGateway, type Gateway, type GatewayOptions } from '@crm/gateway';
import { createLogger } from '@crm/runtime';
import { DOMAINS } from './config.ts';
import type { Stack } from './stack.ts';

export interface ExtraGateway {
  gateway: Gateway;
  url: string;
  wsUrl: string;
}

/** `label` names its logger, consumer groups and counters; `overrides` replace any option (`subscriptions`, `limitStore` and `responseCache` are merged). */
export async function startExtraGateway(stack: Stack, label: string, overrides: Partial<GatewayOptions> = {}): Promise<ExtraGateway> {
  const id = `${label}.${randomUUID()}`;
  const gateway = await createGateway({
    supergraphSdl: await readFile(stack.config.supergraphPath, 'utf8'),
    subgraphUrls: Object.fromEntries(DOMAINS.map((d) => [d, stack.subgraphs[d].url])) as GatewayOptions['subgraphUrls'],
    jwksUrl: `http://127.0.0.1:${stack.subgraphs.platform.port}/.well-known/jwks.json`,
    signingSecret: stack.config.signingSecret,
    bus: stack.bus,
    cache: stack.cache,
    logger: createLogger(label, process.env.LOG_LEVEL ?? 'silent'),
    ...overrides,
    subscriptions: { groupPrefix: id, ...overrides.subscriptions },
    // a patient Redis timeout, so a busy machine does not switch the counters to the local fallback
    limitStore: { prefix: `crm:${id}:`, timeoutMs: 5_000, ...overrides.limitStore },
    ...(overrides.responseCache ? { responseCache: { groupPrefix: `${id}.cache`, ...overrides.responseCache } } : {}),
  });
  const { url, wsUrl } = await gateway.start(0);
  return { gateway, url, wsUrl };
}
