import { describe, expect, it } from 'vitest';
import { parseEnvironment } from './environment.ts';

const SECRET = 'x'.repeat(32);

describe('parseEnvironment', () => {
  it('defaults to the embedded database and the in-process bus', () => {
    expect(parseEnvironment({ GATEWAY_SIGNING_SECRET: SECRET })).toEqual({
      env: { PORT: 4004, HOST: '0.0.0.0', LOG_LEVEL: 'info', DATA_DIR: '.data/analytics', KAFKA_GROUP_SUFFIX: '', KAFKA_NEW_GROUPS_START: 'earliest', GATEWAY_SIGNING_SECRET: SECRET },
    });
  });

  it('reads the consumer group suffix and where new groups start, and refuses anything else', () => {
    expect(parseEnvironment({ GATEWAY_SIGNING_SECRET: SECRET, KAFKA_GROUP_SUFFIX: '.staging', KAFKA_NEW_GROUPS_START: 'latest' })).toMatchObject({
      env: { KAFKA_GROUP_SUFFIX: '.staging', KAFKA_NEW_GROUPS_START: 'latest' },
    });
    const result = parseEnvironment({ GATEWAY_SIGNING_SECRET: SECRET, KAFKA_NEW_GROUPS_START: 'middle', KAFKA_GROUP_SUFFIX: 'a b' });
    expect('problems' in result && result.problems.map((p) => p.split(':')[0]).sort()).toEqual(['KAFKA_GROUP_SUFFIX', 'KAFKA_NEW_GROUPS_START']);
  });

  it('reads PostgreSQL and Kafka settings', () => {
    const result = parseEnvironment({
      GATEWAY_SIGNING_SECRET: SECRET,
      PORT: '5000',
      DATABASE_URL: 'postgresql://crm_app:crm_app@db:5432/crm_analytics',
      KAFKA_BROKERS: 'k1:9092, k2:9092',
    });
    expect(result).toMatchObject({ env: { PORT: 5000, DATABASE_URL: 'postgresql://crm_app:crm_app@db:5432/crm_analytics', KAFKA_BROKERS: ['k1:9092', 'k2:9092'] } });
  });

  it('reports every problem at once', () => {
    const result = parseEnvironment({ GATEWAY_SIGNING_SECRET: 'short', PORT: 'eighty', DATABASE_URL: 'mysql://db/x', LOG_LEVEL: 'loud' });
    expect('problems' in result && result.problems.map((p) => p.split(':')[0])).toEqual(['PORT', 'LOG_LEVEL', 'DATABASE_URL', 'GATEWAY_SIGNING_SECRET']);
  });
});
