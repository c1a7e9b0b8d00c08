import { describe, expect, it } from 'vitest';
import { credentialsOf, MalformedCredentialsError } from './credentials.ts';

const key = `crm_${'a'.repeat(43)}`;
const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1In0.c2ln';

describe('credentialsOf', () => {
  it('is anonymous without credentials (empty headers included)', () => {
    expect(credentialsOf({})).toEqual({ kind: 'none' });
    expect(credentialsOf({ authorization: '', 'x-api-key': '' })).toEqual({ kind: 'none' });
  });

  it('tells access tokens from API keys by the key prefix', () => {
    expect(credentialsOf({ authorization: `Bearer ${jwt}` })).toEqual({ kind: 'token', token: jwt });
    expect(credentialsOf({ authorization: `bearer ${key}` })).toEqual({ kind: 'apikey', key });
    expect(credentialsOf({ 'x-api-key': key })).toEqual({ kind: 'apikey', key });
    expect(credentialsOf({ 'x-api-key': ` ${key} ` })).toEqual({ kind: 'apikey', key });
    // a malformed key is still an API key: it is refused as one, never tried as a token
    expect(credentialsOf({ authorization: 'Bearer crm_short' })).toEqual({ kind: 'apikey', key: 'crm_short' });
  });

  it('accepts both headers only when they carry the same key', () => {
    expect(credentialsOf({ authorization: `Bearer ${key}`, 'x-api-key': key })).toEqual({ kind: 'apikey', key });
    expect(() => credentialsOf({ authorization: `Bearer ${jwt}`, 'x-api-key': key })).toThrow(MalformedCredentialsError);
  });

  it('refuses other schemes and repeated headers, naming the credential', () => {
    expect(() => credentialsOf({ authorization: 'Basic dXNlcjpwYXNz' })).toThrow(expect.objectContaining({ credential: 'token' }));
    expect(() => credentialsOf({ authorization: key, 'x-api-key': key })).toThrow(expect.objectContaining({ credential: 'apikey' }));
    expect(() => credentialsOf({ 'x-api-key': [key, key] })).toThrow(MalformedCredentialsError);
  });
});
