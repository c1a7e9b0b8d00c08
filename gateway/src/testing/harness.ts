/**
 * A small federated world for gateway tests: two subgraphs behind the real signature check
 * (`sales` with pipelines and deals, `customer` with accounts), a supergraph composed from them,
 * a JWKS server with an Ed25519 key, and a gateway over an in-process bus and a memory cache.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createInProcessBus, type EventBus } from '@crm/events';
import { createLogger, createSubgraphServer, MemoryCache, type Cache, type Identity, type SubgraphServer } from '@crm/runtime';
import { createGateway, type Gateway, type GatewayOptions } from '../index.ts';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

const salesSdl = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  scalar DateTime
  type Pipeline @key(fields: "id") { id: ID! name: String! }
  type Deal @key(fields: "id") { id: ID! name: String! stageId: ID! account: Account }
  type Account @key(fields: "id", resolvable: false) { id: ID! }
  enum PipelineBoardEventType { DEAL_CREATED DEAL_MOVED DEAL_UPDATED }
  type PipelineBoardEvent {
    type: PipelineBoardEventType!
    sequence: String!
    pipelineId: ID!
    dealId: ID!
    fromStageId: ID
    toStageId: ID
    occurredAt: DateTime!
    deal: Deal
  }
  type Subscription { pipelineBoard(pipelineId: ID!): PipelineBoardEvent! }
  type Caller { tenantId: ID userId: ID roles: [String!]! requestId: String! }
  type Query {
    whoami: Caller!
    pipeline(id: ID!): Pipeline
    deal(id: ID!): Deal
    deals: [Deal!]!
  }
`;

const customerSdl = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Account @key(fields: "id") { id: ID! name: String! }
  type Query { accountCount: Int! }
`;

/** Records of one tenant in the test subgraphs. */
export interface TenantData {
  pipelines: Map<string, { id: string; name: string }>;
  deals: Map<string, { id: string; name: string; stageId: string; accountId: string | null }>;
  accounts: Map<string, { id: string; name: string }>;
}

interface Ctx {
  identity: Identity;
}

export interface Harness {
  gateway: Gateway;
  url: string;
  wsUrl: string;
  bus: EventBus;
  cache: Cache;
  sales: SubgraphServer;
  customer: SubgraphServer;
  customerPort: number;
  /** The composed supergraph and where its subgraphs listen. */
  supergraphSdl: string;
  subgraphUrls: { sales: string; customer: string };
  /** Headers of the latest request each subgraph received. */
  lastHeaders: Record<'sales' | 'customer', IncomingHttpHeaders | undefined>;
  /** Test data of a tenant (created on first use). */
  tenant(tenantId: string): TenantData;
  /** A valid access token for the tenant and user. */
  token(claims: { tenantId: string; userId?: string; roles?: string[] }, options?: { expiresIn?: string | number; audience?: string }): Promise<string>;
  signingKey: { privateKey: CryptoKey; publicJwk: JWK; kid: string };
  /** Replaces the served JWKS (key rotation). */
  setJwks(keys: JWK[]): void;
  jwksUrl: string;
  close(): Promise<void>;
}

async function serveJwks(initial: JWK[]): Promise<{ server: Server; url: string; set(keys: JWK[]): void }> {
  let body = JSON.stringify({ keys: initial });
  const server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/.well-known/jwks.json`, set: (keys) => void (body = JSON.stringify({ keys })) };
}

export async function createEdKey(kid: string = randomUUID()): Promise<{ privateKey: CryptoKey; publicJwk: JWK; kid: string }> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' }, kid };
}

export async function startHarness(overrides: Partial<GatewayOptions> = {}): Promise<Harness> {
  const logger = createLogger('gateway-test');
  const tenants = new Map<string, TenantData>();
  const tenant = (tenantId: string): TenantData => {
    let data = tenants.get(tenantId);
    if (!data) {
      data = { pipelines: new Map(), deals: new Map(), accounts: new Map() };
      tenants.set(tenantId, data);
    }
    return data;
  };
  const own = (identity: Identity) => (identity.tenantId ? tenant(identity.tenantId) : undefined);
  const lastHeaders: Harness['lastHeaders'] = { sales: undefined, customer: undefined };

  const sales = await createSubgraphServer<Ctx>({
    name: 'sales',
    signingSecret: SIGNING_SECRET,
    logger,
    createContext: (identity) => ({ identity }),
    routes: (req) => {
      lastHeaders.sales = req.headers;
      return false;
    },
    modules: [
      {
        typeDefs: parse(salesSdl),
        resolvers: {
          Query: {
            whoami: (_: unknown, __: unknown, { identity }: Ctx) => identity,
            pipeline: (_: unknown, { id }: { id: string }, { identity }: Ctx) => own(identity)?.pipelines.get(id) ?? null,
            deal: (_: unknown, { id }: { id: string }, { identity }: Ctx) => own(identity)?.deals.get(id) ?? null,
            deals: (_: unknown, __: unknown, { identity }: Ctx) => [...(own(identity)?.deals.values() ?? [])],
          },
          Deal: {
            account: (deal: { accountId: string | null }) => (deal.accountId ? { __typename: 'Account', id: deal.accountId } : null),
          },
        },
      },
    ],
  });
  const customer = await createSubgraphServer<Ctx>({
    name: 'customer',
    signingSecret: SIGNING_SECRET,
    logger,
    createContext: (identity) => ({ identity }),
    routes: (req) => {
      lastHeaders.customer = req.headers;
      return false;
    },
    modules: [
      {
        typeDefs: parse(customerSdl),
        resolvers: {
          Query: { accountCount: (_: unknown, __: unknown, { identity }: Ctx) => own(identity)?.accounts.size ?? 0 },
          Account: {
            __resolveReference: (ref: { id: string }, { identity }: Ctx) => own(identity)?.accounts.get(ref.id) ?? null,
          },
        },
      },
    ],
  });
  const salesListening = await sales.listen(0);
  const customerListening = await customer.listen(0);

  const composed = composeServices([
    { name: 'sales', url: 'http://sales.crm.internal/graphql', typeDefs: parse(salesSdl) },
    { name: 'customer', url: 'http://customer.crm.internal/graphql', typeDefs: parse(customerSdl) },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));

  const key = await createEdKey();
  const jwks = await serveJwks([key.publicJwk]);
  const bus = overrides.bus ?? createInProcessBus();
  const cache = overrides.cache ?? new MemoryCache();
  const unused = 'http://127.0.0.1:9/graphql';
  const gateway = await createGateway({
    supergraphSdl: composed.supergraphSdl,
    subgraphUrls: {
      sales: `${salesListening.url}/graphql`,
      customer: `${customerListening.url}/graphql`,
      analytics: unused,
      platform: unused,
      integration: unused,
    },
    jwksUrl: jwks.url,
    signingSecret: SIGNING_SECRET,
    bus,
    cache,
    logger,
    ...overrides,
  });
  const { url, wsUrl } = await gateway.start(0);
  await gateway.subscriptionsReady;

  return {
    gateway,
    url,
    wsUrl,
    bus,
    cache,
    sales,
    customer,
    customerPort: customerListening.port,
    supergraphSdl: composed.supergraphSdl,
    subgraphUrls: { sales: `${salesListening.url}/graphql`, customer: `${customerListening.url}/graphql` },
    lastHeaders,
    tenant,
    signingKey: key,
    setJwks: jwks.set,
    jwksUrl: jwks.url,
    async token(claims, options = {}) {
      return new SignJWT({ tid: claims.tenantId, roles: claims.roles ?? ['SALES_REP'] })
        .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
        .setIssuer('crm-platform')
        .setAudience(options.audience ?? 'crm-api')
        .setSubject(claims.userId ?? randomUUID())
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '15m')
        .sign(key.privateKey);
    },
    async close() {
      await gateway.stop();
      await sales.stop();
      await customer.stop();
      await bus.close();
      await cache.close();
      await new Promise<void>((resolve) => jwks.server.close(() => resolve()));
    },
  };
}

/** POSTs a GraphQL request to the gateway. */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }> } }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as never };
}
