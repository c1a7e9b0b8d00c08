/**
 * Configuration of the standalone gateway, from environment variables. The only place that
 * reads `process.env`. Every problem is reported at once.
 *
 * | variable                  | meaning                                                     | default                          |
 * |---------------------------|-------------------------------------------------------------|----------------------------------|
 * | PORT                      | HTTP and WebSocket port                                     | 4000                             |
 * | HOST                      | interface to listen on                                      | 0.0.0.0                          |
 * | SUPERGRAPH_PATH           | composed supergraph SDL                                     | `schema/supergraph.graphql`      |
 * | CUSTOMER_URL … INTEGRATION_URL | each subgraph's GraphQL url (`SALES_URL`, …)           | required                         |
 * | JWKS_URL                  | the platform's JWKS                                         | `<PLATFORM_URL origin>/.well-known/jwks.json` |
 * | OIDC_ISSUER               | the platform's OpenID Connect issuer (public, forwarded `/oidc/*`) | `http://localhost:<PORT>/oidc` |
 * | GATEWAY_SIGNING_SECRET    | HMAC secret shared with subgraphs, at least 32 characters   | required                         |
 * | KAFKA_BROKERS             | comma-separated brokers; without it an in-process bus       | (none)                           |
 * | REDIS_URL                 | shared cache; without it an in-memory cache                 | (none)                           |
 * | INTROSPECTION             | `true` (authenticated callers only in production), `false`, or `everyone`/`authenticated`/`nobody` | true |
 * | CORS_ORIGINS              | comma-separated browser origins allowed cross-origin        | (none: same origin only)         |
 * | WS_ALLOWED_ORIGINS        | browser origins allowed to open subscriptions (4403 else)   | (any)                            |
 * | WS_MAX_CONNECTIONS_PER_TENANT | subscription connections per tenant per instance (4429)  | 1000                             |
 * | RATE_LIMIT_PER_TENANT     | requests per minute per tenant (with RATE_LIMIT_FROM_PLAN: while the platform cannot answer) | 6000 |
 * | RATE_LIMIT_FROM_PLAN      | take each tenant's request limit from its plan (`true`/`false`) | true                         |
 * | RATE_LIMIT_PER_USER       | requests per minute per user                                | 3000                             |
 * | RATE_LIMIT_PER_API_KEY    | requests per minute per API key (besides its tenant's)      | 3000                             |
 * | RATE_LIMIT_PER_ANONYMOUS_ADDRESS | requests per minute per anonymous client address     | 300                              |
 * | MAX_OPERATION_COST        | most expensive operation accepted (demand control)          | 10000                            |
 * | COST_BUDGET_PER_MINUTE    | cost points per tenant per minute (with COST_BUDGET_FROM_PLAN: while the platform cannot answer) | 500000 |
 * | COST_BUDGET_FROM_PLAN     | take each tenant's cost budget from its plan (`true`/`false`) | true                           |
 * | TENANT_SETTINGS_TTL_SECONDS | how long tenants' plan limits and CORS allowlists are cached | 60                             |
 * | TRUSTED_DOCUMENTS_PATH    | the web app's persisted-documents manifest, served by hash  | `clients/web/src/gql/persisted-documents.json` when present |
 * | WEB_SAFELIST              | `enforce`: the web client runs manifest documents only; `off` | `enforce` in production, else `off` |
 * | METRICS                   | serve Prometheus metrics at `/metrics` (`true`/`false`)     | true                             |
 * | RESPONSE_CACHE            | cache board reads and entity fetches (accounts, contacts, users) in memory, dropped by domain events and mutations (`true`/`false`) | true |
 * | RESPONSE_CACHE_MAX_MB     | memory for cached answers per instance, MiB                 | 64                               |
 * | RESPONSE_CACHE_TTL_SECONDS | lifetime of a cached answer (safety net behind invalidation) | 60                             |
 * | RESPONSE_CACHE_STALE_MS   | after a change made elsewhere, answer from the old entry for at most this long while it is re-read in the background (0: drop it at once) | 0 |
 * | LOG_LEVEL                 | pino level                                                  | info                             |
 * | OTEL_EXPORTER_OTLP_ENDPOINT | OTLP/HTTP collector (traces as JSON to `<endpoint>/v1/traces`); tracing is off without it | (none) |
 * | OTEL_EXPORTER_OTLP_HEADERS | headers of export requests (`k=v,k2=v2`)                   | (none)                           |
 * | OTEL_SERVICE_NAME         | `service.name` of the gateway's spans                       | crm-gateway                      |
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { readTracingEnvironment, type TracingEnvironment } from '@crm/runtime';
import { SUBGRAPH_NAMES, type SubgraphName } from './context.ts';

const url = z.url({ protocol: /^https?$/ });
/** Written by `pnpm generate` (codegen client preset, persisted documents). */
const DEFAULT_TRUSTED_DOCUMENTS = fileURLToPath(new URL('../../clients/web/src/gql/persisted-documents.json', import.meta.url));
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  SUPERGRAPH_PATH: z.string().min(1).default(fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url))),
  CUSTOMER_URL: url,
  SALES_URL: url,
  ANALYTICS_URL: url,
  PLATFORM_URL: url,
  INTEGRATION_URL: url,
  JWKS_URL: url.optional(),
  OIDC_ISSUER: url.optional(),
  GATEWAY_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters'),
  KAFKA_BROKERS: z
    .string()
    .transform((value) => value.split(',').map((broker) => broker.trim()).filter(Boolean))
    .optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// url').optional(),
  INTROSPECTION: z.enum(['true', 'false', 'everyone', 'authenticated', 'nobody']).optional(),
  CORS_ORIGINS: z
    .string()
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
    .pipe(z.array(z.union([z.literal('*'), z.url({ protocol: /^https?$/ }).refine((o) => new URL(o).origin === o, 'must be an origin (scheme://host[:port])')])))
    .optional(),
  WS_ALLOWED_ORIGINS: z
    .string()
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
    .optional(),
  WS_MAX_CONNECTIONS_PER_TENANT: z.coerce.number().int().positive().default(1_000),
  RATE_LIMIT_PER_TENANT: z.coerce.number().int().positive().default(6_000),
  RATE_LIMIT_PER_USER: z.coerce.number().int().positive().default(3_000),
  RATE_LIMIT_PER_API_KEY: z.coerce.number().int().positive().optional(),
  RATE_LIMIT_PER_ANONYMOUS_ADDRESS: z.coerce.number().int().positive().default(300),
  RATE_LIMIT_FROM_PLAN: flag.default(true),
  MAX_OPERATION_COST: z.coerce.number().int().positive().optional(),
  COST_BUDGET_PER_MINUTE: z.coerce.number().int().positive().default(500_000),
  COST_BUDGET_FROM_PLAN: flag.default(true),
  TENANT_SETTINGS_TTL_SECONDS: z.coerce.number().int().positive().max(3_600).default(60),
  TRUSTED_DOCUMENTS_PATH: z.string().min(1).refine((path) => existsSync(path), 'no such file').optional(),
  WEB_SAFELIST: z.enum(['enforce', 'off']).optional(),
  METRICS: flag.default(true),
  RESPONSE_CACHE: flag.default(true),
  RESPONSE_CACHE_MAX_MB: z.coerce.number().positive().max(16_384).default(64),
  RESPONSE_CACHE_TTL_SECONDS: z.coerce.number().int().positive().max(86_400).default(60),
  RESPONSE_CACHE_STALE_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().default('development'),
});

export interface GatewayEnvironment {
  port: number;
  host: string;
  supergraphPath: string;
  subgraphUrls: Record<SubgraphName, string>;
  jwksUrl: string;
  /** Issuer of OpenID Connect access tokens, accepted next to `crm-platform`. */
  oidcIssuer: string;
  signingSecret: string;
  kafkaBrokers: string[] | undefined;
  redisUrl: string | undefined;
  introspection: boolean | 'everyone' | 'authenticated' | 'nobody' | undefined;
  corsOrigins: string[];
  subscriptions: { allowedOrigins?: string[]; maxConnectionsPerTenant: number };
  rateLimit: { perTenant: number; perTenantFromPlan: boolean; perUser: number; perAnonymousAddress: number; perApiKey?: number };
  demandControl: { maxCost?: number; budgetPerMinute: number; budgetFromPlan: boolean };
  tenantSettingsTtlSeconds: number;
  /** The web app's manifest (undefined when none is configured or built) and whether the web client is held to it. */
  trustedDocuments: { path: string | undefined; enforce: boolean };
  metrics: boolean;
  /** Response cache limits; undefined when off. */
  responseCache: { maxBytes: number; ttlMs: number } | undefined;
  logLevel: string;
  production: boolean;
  tracing: TracingEnvironment;
}

/** Parses the environment; throws one error listing every problem. */
export function readEnvironment(source: NodeJS.ProcessEnv = process.env): GatewayEnvironment {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(source).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`Invalid gateway configuration:\n${problems.join('\n')}`);
  }
  const env = parsed.data;
  let tracing: TracingEnvironment;
  try {
    tracing = readTracingEnvironment(source);
  } catch (error) {
    throw new Error(`Invalid gateway configuration:\n  ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const enforceSafelist = (env.WEB_SAFELIST ?? (env.NODE_ENV === 'production' ? 'enforce' : 'off')) === 'enforce';
  const manifestPath = env.TRUSTED_DOCUMENTS_PATH ?? (existsSync(DEFAULT_TRUSTED_DOCUMENTS) ? DEFAULT_TRUSTED_DOCUMENTS : undefined);
  if (enforceSafelist && !manifestPath) {
    throw new Error(`Invalid gateway configuration:\n  WEB_SAFELIST: enforce needs the web app's manifest (TRUSTED_DOCUMENTS_PATH, or run \`pnpm generate\` for ${DEFAULT_TRUSTED_DOCUMENTS})`);
  }
  const subgraphUrls = Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => [name, env[`${name.toUpperCase()}_URL` as `${Uppercase<SubgraphName>}_URL`]]),
  ) as Record<SubgraphName, string>;
  return {
    responseCache: env.RESPONSE_CACHE
      ? {
          maxBytes: Math.round(env.RESPONSE_CACHE_MAX_MB * 1024 * 1024),
          ttlMs: env.RESPONSE_CACHE_TTL_SECONDS * 1000,
          ...(env.RESPONSE_CACHE_STALE_MS > 0 ? { staleMs: env.RESPONSE_CACHE_STALE_MS } : {}),
        }
      : undefined,
    port: env.PORT,
    host: env.HOST,
    supergraphPath: env.SUPERGRAPH_PATH,
    subgraphUrls,
    jwksUrl: env.JWKS_URL ?? new URL('/.well-known/jwks.json', env.PLATFORM_URL).toString(),
    oidcIssuer: (env.OIDC_ISSUER ?? `http://localhost:${env.PORT}/oidc`).replace(/\/+$/, ''),
    signingSecret: env.GATEWAY_SIGNING_SECRET,
    kafkaBrokers: env.KAFKA_BROKERS?.length ? env.KAFKA_BROKERS : undefined,
    redisUrl: env.REDIS_URL,
    introspection: env.INTROSPECTION === 'true' ? true : env.INTROSPECTION === 'false' ? false : env.INTROSPECTION,
    corsOrigins: env.CORS_ORIGINS ?? [],
    subscriptions: {
      ...(env.WS_ALLOWED_ORIGINS?.length ? { allowedOrigins: env.WS_ALLOWED_ORIGINS } : {}),
      maxConnectionsPerTenant: env.WS_MAX_CONNECTIONS_PER_TENANT,
    },
    rateLimit: {
      perTenant: env.RATE_LIMIT_PER_TENANT,
      perTenantFromPlan: env.RATE_LIMIT_FROM_PLAN,
      perUser: env.RATE_LIMIT_PER_USER,
      perAnonymousAddress: env.RATE_LIMIT_PER_ANONYMOUS_ADDRESS,
      // unset: RATE_LIMIT_DEFAULTS.perApiKey
      ...(env.RATE_LIMIT_PER_API_KEY ? { perApiKey: env.RATE_LIMIT_PER_API_KEY } : {}),
    },
    demandControl: {
      ...(env.MAX_OPERATION_COST ? { maxCost: env.MAX_OPERATION_COST } : {}),
      budgetPerMinute: env.COST_BUDGET_PER_MINUTE,
      budgetFromPlan: env.COST_BUDGET_FROM_PLAN,
    },
    tenantSettingsTtlSeconds: env.TENANT_SETTINGS_TTL_SECONDS,
    trustedDocuments: { path: manifestPath, enforce: enforceSafelist },
    metrics: env.METRICS,
    logLevel: env.LOG_LEVEL,
    production: env.NODE_ENV === 'production',
    tracing,
  };
}

/** Whether the process runs in production (`NODE_ENV=production`); decides safe defaults. */
export function isProduction(): boolean {
  return process.env.NODE_ENV === 'production';
}
