import { describe, expect, it } from 'vitest';
import { parseEnvironment } from './environment.ts';

const SECRET = 'x'.repeat(32);

describe('parseEnvironment', () => {
  it('defaults to the embedded database and the in-process bus', () => {
    expect(parseEnvironment({ GATEWAY_SIGNING_SECRET: SECRET })).toEqual({
      env: { PORT: 4004, HOST: '0.0.0.0', LOG_LEVEL: 'info', DATA_DIR: '.data/analytics', GATEWAY_SIGNING_SECRET: SECRET },
    });
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
