import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { callInternalRoute, InternalRouteError, type Identity } from '@crm/runtime';
import type { FederatedResult } from '../subscriptions/board-subscription.ts';
import type { RunFederated } from '../subscriptions/federated.ts';
import { createRecordsExistRoute, MAX_RECORDS, RECORDS_EXIST_PATH } from './records-exist-route.ts';

const SECRET = 'records-exist-test-secret-0123456789abcdef';
let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** Serves the route over a stand-in for the federated path; returns its url and what it was asked. */
async function serve(answer: (query: string, variables: Record<string, unknown>) => FederatedResult) {
  const asked: Array<{ query: string; variables: Record<string, unknown>; identity: Identity }> = [];
  const run: RunFederated = async (request, identity) => {
    const variables = (request.variables ?? {}) as Record<string, unknown>;
    asked.push({ query: request.query, variables, identity });
    return answer(request.query, variables);
  };
  const route = createRecordsExistRoute({ signingSecret: SECRET, run: () => run });
  server = createServer((req, res) => {
    void route(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}${RECORDS_EXIST_PATH}`, asked };
}

/** Every aliased lookup finds the ids in `existing`. */
const finding = (existing: Set<string>) => (query: string, variables: Record<string, unknown>): FederatedResult => {
  const data: Record<string, unknown> = {};
  for (const [name, id] of Object.entries(variables)) data[`r${name.slice(1)}`] = existing.has(id as string) ? { id } : null;
  return { data };
};

describe('POST /internal/records/exist', () => {
  it('answers per record, in order, looking them up as the tenant’s administrator ten at a time', async () => {
    const tenantId = randomUUID();
    const ids = Array.from({ length: 23 }, () => randomUUID());
    const existing = new Set(ids.filter((_, index) => index % 3 !== 1));
    const { url, asked } = await serve(finding(existing));
    const records = [...ids.map((id, index) => ({ type: index % 2 ? 'USER' : 'ACCOUNT', id })), { type: 'ACCOUNT', id: ids[0]! }];
    const answer = (await callInternalRoute(url, SECRET, { tenantId, records }, { requester: 'test' })) as { exists: boolean[] };
    expect(answer.exists).toEqual(records.map((record) => existing.has(record.id)));
    expect(asked).toHaveLength(3); // 23 distinct records, 10 per operation
    expect(asked.every((call) => call.identity.tenantId === tenantId && call.identity.roles.join() === 'TENANT_ADMIN' && call.identity.userId === null)).toBe(true);
    expect(asked[0]!.query).toContain('r0: account(id: $i0) { id }');
    expect(asked[0]!.query).toContain('r1: user(id: $i1) { id }');
  });

  it('says it cannot tell when a lookup fails, and refuses malformed or unsigned requests', async () => {
    const { url } = await serve(() => ({ data: null, errors: [{ message: 'customer is down', extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }] }));
    const failed = (await callInternalRoute(url, SECRET, { tenantId: randomUUID(), records: [{ type: 'CONTACT', id: randomUUID() }] }, { requester: 'test' })) as Record<string, unknown>;
    expect(failed['exists']).toBeUndefined();
    expect(failed['errors']).toEqual([{ message: 'The records could not be checked', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);

    for (const body of [
      { tenantId: 'not-a-uuid', records: [] },
      { tenantId: randomUUID(), records: [{ type: 'PIPELINE', id: randomUUID() }] },
      { tenantId: randomUUID(), records: [{ type: 'ACCOUNT', id: 'x' }] },
      { tenantId: randomUUID(), records: Array.from({ length: MAX_RECORDS + 1 }, () => ({ type: 'USER', id: randomUUID() })) },
    ]) {
      await expect(callInternalRoute(url, SECRET, body, { requester: 'test' })).rejects.toMatchObject({ status: 400 });
    }
    await expect(callInternalRoute(url, 'another-secret-0123456789abcdef-0123456789', { tenantId: randomUUID(), records: [] }, { requester: 'test' })).rejects.toBeInstanceOf(InternalRouteError);
  });
});
