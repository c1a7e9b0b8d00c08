import { describe, expect, it } from 'vitest';
import { backoffDelay, classifyFailure } from './delivery.ts';

const smtpError = (responseCode: number, response: string) => Object.assign(new Error(`Message failed: ${response}`), { code: 'EMESSAGE', responseCode, response });

describe('classifyFailure', () => {
  it('treats 4xx replies as temporary and 5xx replies as permanent, quoting the reply', () => {
    expect(classifyFailure(smtpError(451, '451 4.3.0 Try again later'))).toEqual({ kind: 'temporary', message: '451 4.3.0 Try again later' });
    expect(classifyFailure(smtpError(421, '421 Service not available'))).toMatchObject({ kind: 'temporary' });
    expect(classifyFailure(smtpError(550, '550 5.1.1 No such user'))).toEqual({ kind: 'permanent', message: '550 5.1.1 No such user' });
    expect(classifyFailure(smtpError(554, '554 Transaction failed'))).toMatchObject({ kind: 'permanent' });
  });

  it('treats network failures without a reply as temporary', () => {
    for (const code of ['ECONNECTION', 'ECONNREFUSED', 'ETIMEDOUT', 'ESOCKET', 'EDNS']) {
      expect(classifyFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2525'), { code }))).toEqual({
        kind: 'temporary',
        message: 'connect ECONNREFUSED 127.0.0.1:2525',
      });
    }
  });

  it('treats anything else as permanent and keeps messages short', () => {
    expect(classifyFailure(Object.assign(new Error('No recipients defined'), { code: 'EENVELOPE' }))).toMatchObject({ kind: 'permanent' });
    expect(classifyFailure('x'.repeat(2_000)).message).toHaveLength(500);
  });
});

describe('backoffDelay', () => {
  it('doubles from the base after each failed attempt, up to the cap', () => {
    const options = { baseMs: 30_000, maxMs: 3_600_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((attempts) => backoffDelay(attempts, options))).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000,
    ]);
    expect(backoffDelay(500, options)).toBe(3_600_000);
  });
});
