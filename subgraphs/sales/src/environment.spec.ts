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
      GATEWAY_SIGNING_SECRET: SECRET,
    });
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
