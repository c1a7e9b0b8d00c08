import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger('redaction-test', 'info', sink) };
}

describe('log redaction', () => {
  it('replaces credentials, tokens, secrets and their headers, at the top level and one level down', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        password: 'hunter2-password',
        input: { email: 'a@b.example', password: 'nested-password', token: 'invite-token' },
        accessToken: 'eyJ.access.token',
        result: { refreshToken: 'refresh-token', clientSecret: 'client-secret' },
        passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
        headers: { authorization: 'Bearer eyJ.a.b', 'x-api-key': 'crm_key', 'x-crm-identity': 'signed', accept: 'application/json' },
        req: { headers: { authorization: 'Bearer eyJ.c.d', cookie: 'session=1' } },
        userId: 'u-1',
      },
      'request',
    );
    const line = lines[0]!;
    const text = JSON.stringify(line);
    for (const secret of ['hunter2-password', 'nested-password', 'invite-token', 'eyJ.access.token', 'refresh-token', 'client-secret', '$argon2id$', 'eyJ.a.b', 'crm_key', 'signed', 'eyJ.c.d', 'session=1']) {
      expect(text, secret).not.toContain(secret);
    }
    // everything else stays readable
    expect(line).toMatchObject({ msg: 'request', userId: 'u-1', input: { email: 'a@b.example', password: '[redacted]' }, headers: { accept: 'application/json' } });
  });
});
