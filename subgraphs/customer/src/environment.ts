/**
 * Configuration of the standalone customer deployable. The only place that reads `process.env`.
 * On bad config every problem is printed at once and the process exits with code 1.
 */
import { z } from 'zod';
import { kafkaConsumerGroupEnvironment, readTracingEnvironment, type TracingEnvironment } from '@crm/runtime';
import type { DatabaseConfig } from '@crm/db';

const schema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65_535).default(4002),
    // Listen address: all interfaces for a container; 127.0.0.1 keeps a local run private.
    HOST: z.string().min(1).default('0.0.0.0'),
    /** PostgreSQL connection as the application role (row-level security applies). */
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    /** Owner connection used for migrations; defaults to DATABASE_URL. */
    MIGRATION_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    /** Embedded PGlite data folder, used when DATABASE_URL is not set. */
    DATA_DIR: z.string().min(1).optional(),
    /** Comma-separated Kafka brokers; without it events go over the in-process bus. */
    KAFKA_BROKERS: z
      .string()
      .optional()
      .transform((value) => value?.split(',').map((broker) => broker.trim()).filter(Boolean) ?? [])
      .pipe(z.array(z.string().regex(/^[^\s:]+:\d+$/, 'each broker must be host:port'))),
    /** Consumer group suffix and where new groups start (KAFKA_GROUP_SUFFIX, KAFKA_NEW_GROUPS_START). */
    ...kafkaConsumerGroupEnvironment,
    GATEWAY_SIGNING_SECRET: z.string().min(32, 'GATEWAY_SIGNING_SECRET must be at least 32 characters'),
    /**
     * The gateway as the subgraphs reach it (its origin, e.g. `http://gateway`): a write naming an
     * owner asks its `/internal/records/exist` route whether that user is the tenant's. When absent,
     * every such write is refused (the owner cannot be checked).
     */
    GATEWAY_INTERNAL_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  });

export type Environment = z.output<typeof schema>;

/** Every configuration problem, as `NAME: message` lines; empty when the configuration is valid. */
export function configurationProblems(source: NodeJS.ProcessEnv): string[] {
  const parsed = schema.safeParse(source);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  if (!source.DATABASE_URL && !source.DATA_DIR) problems.push('DATABASE_URL: set DATABASE_URL (PostgreSQL) or DATA_DIR (embedded PGlite)');
  return problems;
}

/** Reads the configuration; prints every problem and exits with code 1 when it is invalid. */
export function loadEnvironment(source: NodeJS.ProcessEnv = process.env): Environment {
  const problems = configurationProblems(source);
  if (problems.length === 0) return schema.parse(source);
  for (const problem of problems) console.error(`Invalid configuration: ${problem}`);
  process.exit(1);
}

/** PostgreSQL when DATABASE_URL is set (migrations as MIGRATION_DATABASE_URL, default the same), else PGlite in DATA_DIR. */
export function databaseConfigOf(env: Environment): DatabaseConfig {
  if (env.DATABASE_URL) return { kind: 'postgres', url: env.DATABASE_URL, migrationUrl: env.MIGRATION_DATABASE_URL ?? env.DATABASE_URL };
  if (env.DATA_DIR) return { kind: 'pglite', dataDir: env.DATA_DIR };
  throw new Error('Set DATABASE_URL (PostgreSQL) or DATA_DIR (embedded PGlite)');
}

/** OpenTelemetry export (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS, OTEL_SERVICE_NAME); off without an endpoint. */
export const loadTracingEnvironment = (): TracingEnvironment => readTracingEnvironment(process.env);
