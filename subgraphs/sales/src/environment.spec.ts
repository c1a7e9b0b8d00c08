import { describe, expect, it } from 'vitest';
import { EnvironmentError, parseEnvironment } from './environment.ts';

const SECRET = 's'.repeat(32);

describe('parseEnvironment', () => {
  it('defaults to embedded PGlite and the in-process bus', () => {
    expect(parseEnvironment({ GATEWAY_SIGNING_SECRET: SECRET })).toEqual({
      PORT: 4003,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      DATA_DIR: '.data/sales',
      KAFKA_BROKERS: [],
      KAFKA_GROUP_SUFFIX: '',
      KAFKA_NEW_GROUPS_START: 'earliest',
      GATEWAY_SIGNING_SECRET: SECRET,
    });
  });

  it('reads the consumer group suffix and where new groups start, and refuses anything else', () => {
    expect(parseEnvironment({ GATEWAY_SIGNING_SECRET: SECRET, KAFKA_GROUP_SUFFIX: '.staging', KAFKA_NEW_GROUPS_START: 'latest' })).toMatchObject({
      KAFKA_GROUP_SUFFIX: '.staging',
      KAFKA_NEW_GROUPS_START: 'latest',
    });
    expect(() => parseEnvironment({ GATEWAY_SIGNING_SECRET: SECRET, KAFKA_NEW_GROUPS_START: 'middle', KAFKA_GROUP_SUFFIX: 'a b' })).toThrow(
      /KAFKA_GROUP_SUFFIX[\s\S]*KAFKA_NEW_GROUPS_START|KAFKA_NEW_GROUPS_START[\s\S]*KAFKA_GROUP_SUFFIX/,
    );
  });

  it('reads PostgreSQL and Kafka settings', () => {
    const env = parseEnvironment({
      GATEWAY_SIGNING_SECRET: SECRET,
      PORT: '4100',
      DATABASE_URL: 'postgresql://crm_app:crm_app@db:5432/crm_sales',
      KAFKA_BROKERS: 'k1:9092, k2:9092',
    });
    expect(env).toMatchObject({ PORT: 4100, DATABASE_URL: 'postgresql://crm_app:crm_app@db:5432/crm_sales', KAFKA_BROKERS: ['k1:9092', 'k2:9092'] });
  });

  it('reports every problem at once', () => {
    let error: unknown;
    try {
      parseEnvironment({ GATEWAY_SIGNING_SECRET: 'short', PORT: 'http', DATABASE_URL: 'mysql://x', KAFKA_BROKERS: 'nohost' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvironmentError);
    const problems = (error as EnvironmentError).problems.join('\n');
    for (const name of ['GATEWAY_SIGNING_SECRET', 'PORT', 'DATABASE_URL', 'KAFKA_BROKERS']) expect(problems).toContain(name);
  });

  it('requires the gateway signing secret', () => {
    expect(() => parseEnvironment({})).toThrow(/GATEWAY_SIGNING_SECRET: is required/);
  });
});
