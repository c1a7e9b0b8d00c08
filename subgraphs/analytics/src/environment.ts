/**
 * Configuration of the standalone analytics deployable. The only place that reads `process.env`;
 * every problem is reported at once and the process exits 1 on bad config.
 */
import { z } from 'zod';
import { kafkaConsumerGroupEnvironment, readTracingEnvironment, type TracingEnvironment } from '@crm/runtime';

const server = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(4004),
  // Listen address: all interfaces for a container; 127.0.0.1 keeps a local run private.
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const database = z.object({
  /** PostgreSQL as the application role (no BYPASSRLS). When unset, embedded PGlite is used. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** PostgreSQL as the schema owner, for migrations. Default: DATABASE_URL as user `postgres`. */
  MIGRATION_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** PGlite data folder (or `memory://`) when DATABASE_URL is unset. */
  DATA_DIR: z.string().min(1).default('.data/analytics'),
});

const events = z.object({
  /** Comma-separated Kafka brokers. When unset, an in-process bus is used (embedded only). */
  KAFKA_BROKERS: z
    .string()
    .optional()
    .transform((value) => value?.split(',').map((broker) => broker.trim()).filter(Boolean))
    .refine((brokers) => brokers === undefined || brokers.length > 0, 'list at least one broker'),
  /** Consumer group suffix and where new groups start (KAFKA_GROUP_SUFFIX, KAFKA_NEW_GROUPS_START). */
  ...kafkaConsumerGroupEnvironment,
});

const security = z.object({
  /** Shared with the gateway, which signs the identity header with it. */
  GATEWAY_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters'),
});

const schema = z.object({ ...server.shape, ...database.shape, ...events.shape, ...security.shape });

export type Environment = z.infer<typeof schema>;

/** Parses `source`; returns every problem found, one line each, instead of the first. */
export function parseEnvironment(source: Record<string, string | undefined>): { env: Environment } | { problems: string[] } {
  const parsed = schema.safeParse(source);
  if (parsed.success) return { env: parsed.data };
  return { problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`) };
}

/** The process environment, validated; prints every problem and exits 1 when it is invalid. */
export function readEnvironment(): Environment {
  const result = parseEnvironment(process.env);
  if ('env' in result) return result.env;
  for (const problem of result.problems) console.error(`analytics: invalid ${problem}`);
  process.exit(1);
}

/** OpenTelemetry export (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS, OTEL_SERVICE_NAME); off without an endpoint. */
export const loadTracingEnvironment = (): TracingEnvironment => readTracingEnvironment(process.env);
