/**
 * Configuration of the standalone customer deployable. The only place that reads `process.env`.
 * On bad config every problem is printed at once and the process exits with code 1.
 */
import { z } from 'zod';

const schema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65_535).default(4001),
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
    GATEWAY_SIGNING_SECRET: z.string().min(32, 'GATEWAY_SIGNING_SECRET must be at least 32 characters'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine((env) => env.DATABASE_URL || env.DATA_DIR, { message: 'Set DATABASE_URL (PostgreSQL) or DATA_DIR (embedded PGlite)', path: ['DATABASE_URL'] });

export type Environment = z.output<typeof schema>;

export function loadEnvironment(source: NodeJS.ProcessEnv = process.env): Environment {
  const parsed = schema.safeParse(source);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    console.error(`Invalid configuration: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  process.exit(1);
}
