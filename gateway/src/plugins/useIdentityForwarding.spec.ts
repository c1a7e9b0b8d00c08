import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { createLogger, type Identity } from '@crm/runtime';
import { parse } from '../graphql.ts';
import type { GatewayContext } from '../context.ts';
import { useIdentityForwarding } from './useIdentityForwarding.ts';

// answers only once the test says so, so every call below is in flight together
const held: ServerResponse[] = [];
let received = 0;
const server = createServer((req, res) => {
  received++;
  req.resume();
  held.push(res);
});
const releaseAll = () => {
  for (const res of held.splice(0)) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: { me: { id: 'u1' } } }));
  }
};
let url = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));

const identity = (userId: string): Identity => ({ tenantId: 't1', userId, roles: ['SALES_REP'], requestId: `r-${userId}` });
const options = (query: string, who: Identity) =>
  ({
    request: { query, variables: {} },
    context: { identity: who },
    ...(query.startsWith('mutation') ? { document: parse(query) } : {}),
    incomingRequestContext: {},
  }) as unknown as GraphQLDataSourceProcessOptions<GatewayContext>;

describe('in-flight deduplication', () => {
  it("shares one subgraph request among one caller's identical queries, never across callers or for mutations", async () => {
    const forwarding = useIdentityForwarding({ signingSecret: 's'.repeat(32), logger: createLogger('test', 'silent') });
    const source = forwarding.createDataSource('platform', url);
    const calls = [
      source.process(options('{ me { id } }', identity('u1'))),
      source.process(options('{ me { id } }', identity('u1'))),
      source.process(options('{ me { id } }', identity('u2'))),
      source.process(options('mutation { a }', identity('u1'))),
      source.process(options('mutation { a }', identity('u1'))),
    ];
    // u1's query once, u2's query, each mutation
    await expect.poll(() => held.length).toBe(4);
    releaseAll();
    const results = await Promise.all(calls);
    expect(received).toBe(4);
    expect(results[0]).toEqual({ data: { me: { id: 'u1' } } });
    expect(results[0]).not.toBe(results[1]); // each caller gets its own copy
    forwarding.close();
  });
});
