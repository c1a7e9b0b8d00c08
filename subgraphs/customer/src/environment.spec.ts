import { describe, expect, it } from 'vitest';
import { configurationProblems, databaseConfigOf, loadEnvironment } from './environment.ts';

const secret = 'a'.repeat(32);

describe('customer environment', () => {
  it('reports every problem at once', () => {
    expect(configurationProblems({ GATEWAY_SIGNING_SECRET: 'short', KAFKA_BROKERS: 'nohost', PORT: 'x' })).toEqual([
      expect.stringContaining('PORT'),
      expect.stringContaining('KAFKA_BROKERS'),
      expect.stringContaining('GATEWAY_SIGNING_SECRET must be at least 32 characters'),
      expect.stringContaining('set DATABASE_URL (PostgreSQL) or DATA_DIR'),
    ]);
  });

  it('reads PostgreSQL with Kafka, or embedded PGlite with the in-process bus', () => {
    const real = loadEnvironment({ GATEWAY_SIGNING_SECRET: secret, DATABASE_URL: 'postgresql://crm_app:crm_app@db:5432/crm_customer', KAFKA_BROKERS: 'k1:9092, k2:9092' });
    expect(real).toMatchObject({ PORT: 4002, KAFKA_BROKERS: ['k1:9092', 'k2:9092'], KAFKA_GROUP_SUFFIX: '', KAFKA_NEW_GROUPS_START: 'earliest', LOG_LEVEL: 'info' });
    expect(databaseConfigOf(real)).toEqual({ kind: 'postgres', url: 'postgresql://crm_app:crm_app@db:5432/crm_customer', migrationUrl: 'postgresql://crm_app:crm_app@db:5432/crm_customer' });
    const embedded = loadEnvironment({ GATEWAY_SIGNING_SECRET: secret, DATA_DIR: '.data/customer', PORT: '0' });
    expect(embedded.KAFKA_BROKERS).toEqual([]);
    expect(databaseConfigOf(embedded)).toEqual({ kind: 'pglite', dataDir: '.data/customer' });
  });

  it('reads the consumer group suffix and where new groups start, and refuses anything else', () => {
    const shared = loadEnvironment({ GATEWAY_SIGNING_SECRET: secret, DATA_DIR: '.data/customer', KAFKA_GROUP_SUFFIX: '.staging', KAFKA_NEW_GROUPS_START: 'latest' });
    expect(shared).toMatchObject({ KAFKA_GROUP_SUFFIX: '.staging', KAFKA_NEW_GROUPS_START: 'latest' });
    expect(configurationProblems({ GATEWAY_SIGNING_SECRET: secret, DATA_DIR: '.data/customer', KAFKA_GROUP_SUFFIX: 'a b', KAFKA_NEW_GROUPS_START: 'middle' })).toEqual([
      expect.stringContaining('KAFKA_GROUP_SUFFIX'),
      expect.stringContaining('KAFKA_NEW_GROUPS_START'),
    ]);
  });
});
