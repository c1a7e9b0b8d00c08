/**
 * OpenTelemetry through the real stack: an OTLP/HTTP receiver started here takes the JSON the
 * exporter sends. One request through the gateway yields spans of the gateway, Apollo Gateway's
 * query plan, the subgraph and Prisma, all in the caller's trace; the event the write emitted is
 * consumed (over Kafka) in a span linked to that trace; log lines carry the trace id.
 */
import { createServer, type Server } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, inSpan, startTracing, traceFields, type Tracing } from '@crm/runtime';
import type { Stack } from '@crm/stack';
import { startRealStack } from '@crm/testkit';
import { seedSalesTenant, type SalesTenant } from './fixtures.ts';

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  scope: string;
  service: string;
  links: Array<{ traceId: string; spanId: string }>;
}

/** OTLP JSON (`ExportTraceServiceRequest`) as the http/json exporter sends it. */
interface OtlpJson {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans?: Array<{ scope?: { name?: string }; spans?: Array<Omit<ReceivedSpan, 'scope' | 'service'>> }>;
  }>;
}

const received: ReceivedSpan[] = [];
const contentTypes = new Set<string>();
let receiver: Server;
let tracing: Tracing;
let stack: Stack;
let tenant: SalesTenant;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      contentTypes.add(String(req.headers['content-type']));
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpJson;
      for (const resourceSpans of body.resourceSpans ?? []) {
        const service = resourceSpans.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
          for (const span of scopeSpans.spans ?? []) received.push({ ...span, links: span.links ?? [], scope: scopeSpans.scope?.name ?? '', service });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  tracing = startTracing({ serviceName: 'crm-e2e', endpoint: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`, exportDelayMs: 100 });
  stack = await startRealStack();
  tenant = await seedSalesTenant(stack, 'tracing', 1);
});
afterAll(async () => {
  await stack?.stop();
  await tracing?.shutdown();
  await new Promise((resolve) => receiver?.close(resolve));
});

/** Flushes and waits until `found` sees what it looks for in the received spans. */
async function waitFor<T>(found: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await tracing.flush();
    const value = found();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('spans did not arrive in time');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const SERVER = 2;
const CONSUMER = 5;

describe('traces across the gateway, subgraphs, Prisma and Kafka', () => {
  it("puts one request's spans of the gateway, the subgraph and Prisma into the caller's trace, and links the event's consumer to it", async () => {
    const traceId = randomBytes(16).toString('hex');
    const name = `Traced ${randomUUID()}`;
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.admin.token}`, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      body: JSON.stringify({ query: 'mutation($name: String!) { createAccount(input: { name: $name }) { id name } }', variables: { name } }),
    });
    const body = (await response.json()) as { data?: { createAccount: { id: string } } };
    expect(body.data?.createAccount.id).toBeTruthy();

    const inTrace = await waitFor(() => {
      const spans = received.filter((span) => span.traceId === traceId);
      const ready = spans.some((s) => s.scope === 'crm.subgraph.customer') && spans.some((s) => s.scope === 'crm.gateway') && spans.some((s) => s.name.startsWith('prisma:'));
      return ready ? spans : undefined;
    });
    const gateway = inTrace.find((s) => s.scope === 'crm.gateway' && s.kind === SERVER);
    const subgraph = inTrace.find((s) => s.scope === 'crm.subgraph.customer' && s.kind === SERVER);
    expect(gateway?.name).toBe('POST /graphql');
    expect(subgraph?.name).toBe('POST /graphql');
    // Apollo Gateway's own spans: the plan and the fetch to the subgraph, which is the subgraph span's parent
    const fetchSpan = inTrace.find((s) => s.name === 'gateway.fetch');
    expect(inTrace.map((s) => s.name)).toEqual(expect.arrayContaining(['gateway.request', 'gateway.plan', 'gateway.execute', 'gateway.fetch']));
    expect(subgraph?.parentSpanId).toBe(fetchSpan?.spanId);
    // Prisma's spans run inside the subgraph's request
    expect(inTrace.some((s) => s.name === 'prisma:client:operation')).toBe(true);
    expect(new Set(inTrace.map((s) => s.service))).toEqual(new Set(['crm-e2e']));
    expect([...contentTypes]).toEqual(['application/json']);

    // the account's event, consumed over Kafka, in a trace of its own linked to the request's
    const consumer = await waitFor(() => received.find((s) => s.kind === CONSUMER && s.links.some((link) => link.traceId === traceId)));
    expect(consumer.scope).toBe('crm.events');
    expect(consumer.name).toBe('crm.customer.events process');
    expect(consumer.traceId).not.toBe(traceId);
  });

  it('writes the trace and span id of the active span into log lines', async () => {
    const lines: string[] = [];
    const logger = createLogger('tracing-test', 'info', { write: (line: string) => void lines.push(line) });
    logger.info('outside any span');
    const ids = await inSpan('crm.e2e', 'logging', {}, async () => {
      logger.info('inside a span');
      return traceFields();
    });
    const [outside, inside] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(outside?.['traceId']).toBeUndefined();
    expect(inside).toMatchObject({ msg: 'inside a span', traceId: ids.traceId, spanId: ids.spanId });
    expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});
