/**
 * Configuration of the standalone sales deployable. The only place that reads `process.env`.
 * All problems are reported at once; the process exits 1 on bad config.
 */
import { z } from 'zod';
import { kafkaConsumerGroupEnvironment, readTracingEnvironment, type TracingEnvironment } from '@crm/runtime';

const server = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(4003),
  // Listen address: all interfaces for a container; 127.0.0.1 keeps a local run private.
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const database = z.object({
  /** PostgreSQL as the application role; when absent, embedded PGlite under DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { error: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
  /** Owner connection for migrations; defaults to DATABASE_URL as user `postgres`. */
  MIGRATION_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { error: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
  DATA_DIR: z.string().min(1).default('.data/sales'),
});

const events = z.object({
  /** Comma-separated Kafka brokers; when absent, an in-process bus. */
  KAFKA_BROKERS: z
    .string()
    .optional()
    .transform((value) => value?.split(',').map((broker) => broker.trim()).filter(Boolean) ?? [])
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, { error: 'brokers must be host:port' }))),
  /** Consumer group suffix and where new groups start (KAFKA_GROUP_SUFFIX, KAFKA_NEW_GROUPS_START). */
  ...kafkaConsumerGroupEnvironment,
});

const security = z.object({
  GATEWAY_SIGNING_SECRET: z.string({ error: 'is required' }).min(32, { error: 'must be at least 32 characters' }),
});

const platform = z.object({
  /**
   * The platform subgraph's GraphQL url (e.g. `http://platform-subgraph/graphql`): tenant-wide team
   * forecasts ask its `/internal/teams/members` route for the tenant's teams. When absent, a team
   * forecast shows the caller's own team only.
   */
  PLATFORM_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
});

const gateway = z.object({
  /**
   * The gateway as the subgraphs reach it (its origin, e.g. `http://gateway`): a write naming an
   * account, contact, lead or user asks its `/internal/records/exist` route whether that record is
   * the tenant's. When absent, every such write is refused (the records cannot be checked).
   */
  GATEWAY_INTERNAL_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
});

const schema = z.object({ ...server.shape, ...database.shape, ...events.shape, ...security.shape, ...platform.shape, ...gateway.shape });

export type Environment = z.output<typeof schema>;

export class EnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Validates `source`; throws `EnvironmentError` listing every problem. */
export function parseEnvironment(source: Record<string, string | undefined>): Environment {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  throw new EnvironmentError(result.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`));
}

/** Reads the process environment, or prints every problem and exits 1. */
export function loadEnvironment(): Environment {
  try {
    return parseEnvironment(process.env);
  } catch (error) {
    if (!(error instanceof EnvironmentError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

/** OpenTelemetry export (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS, OTEL_SERVICE_NAME); off without an endpoint. */
export const loadTracingEnvironment = (): TracingEnvironment => readTracingEnvironment(process.env);
