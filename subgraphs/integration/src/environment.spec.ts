import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { configurationProblems, loadEnvironment } from './environment.ts';

const base = { GATEWAY_SIGNING_SECRET: 'a'.repeat(32), DATA_DIR: 'memory://' };

describe('integration environment', () => {
  it('requires a 32-byte base64 webhook secret key', () => {
    expect(configurationProblems(base)).toEqual([expect.stringContaining('WEBHOOK_SECRET_KEY is required')]);
    expect(configurationProblems({ ...base, WEBHOOK_SECRET_KEY: randomBytes(16).toString('base64') })).toEqual([
      expect.stringContaining('exactly 32 bytes'),
    ]);
  });

  it('decodes the key and keeps insecure webhook URLs off by default', () => {
    const key = randomBytes(32);
    const env = loadEnvironment({ ...base, WEBHOOK_SECRET_KEY: key.toString('base64') });
    expect(env.WEBHOOK_SECRET_KEY.equals(key)).toBe(true);
    expect(env.ALLOW_INSECURE_WEBHOOK_URLS).toBe(false);
    expect(env).toMatchObject({ KAFKA_GROUP_SUFFIX: '', KAFKA_NEW_GROUPS_START: 'earliest' });
    expect(configurationProblems({ ...base, WEBHOOK_SECRET_KEY: key.toString('base64'), KAFKA_NEW_GROUPS_START: 'middle' })).toEqual([
      expect.stringContaining('KAFKA_NEW_GROUPS_START'),
    ]);
    expect(loadEnvironment({ ...base, WEBHOOK_SECRET_KEY: key.toString('base64'), ALLOW_INSECURE_WEBHOOK_URLS: 'true' }).ALLOW_INSECURE_WEBHOOK_URLS).toBe(true);
  });
});
