import { describe, expect, it } from 'vitest';
import { bodyKindOf, parseFormBody } from './form-body.ts';
import { formTokenIssuedAt, signFormToken } from './form-token.ts';

describe('form bodies', () => {
  it('reads form-encoded and JSON posts', () => {
    expect(bodyKindOf('application/x-www-form-urlencoded; charset=UTF-8')).toBe('form');
    expect(bodyKindOf('text/plain')).toBeNull();
    expect({ ...parseFormBody('form', 'name=Ada+L&email=ada%40x.io&name=again') }).toEqual({ name: 'Ada L', email: 'ada@x.io' });
    expect({ ...parseFormBody('json', '{"name":"Ada","employees":12,"nested":{}}') }).toEqual({ name: 'Ada', employees: '12' });
    expect(parseFormBody('json', '[1]')).toBeNull();
    expect(parseFormBody('json', '{oops')).toBeNull();
  });
});

describe('form tokens', () => {
  it('are bound to the form key and the secret', () => {
    const token = signFormToken('secret', 'lf_a', 1_700_000_000_000);
    expect(formTokenIssuedAt('secret', 'lf_a', token)).toBe(1_700_000_000_000);
    expect(formTokenIssuedAt('secret', 'lf_b', token)).toBeNull();
    expect(formTokenIssuedAt('other', 'lf_a', token)).toBeNull();
    expect(formTokenIssuedAt('secret', 'lf_a', `1700000000001.${token.split('.')[1]}`)).toBeNull();
    expect(formTokenIssuedAt('secret', 'lf_a', undefined)).toBeNull();
  });
});
