import { describe, expect, it } from 'vitest';
import { formOriginsOf, isOwnFormSubmission } from './form-origin.ts';

const origins = formOriginsOf('https://api.crm.example/oidc', ['https://app.crm.example/auth/callback', 'com.crm.mobile:/oauth', 'not a uri']);

describe('formOriginsOf', () => {
  it('keeps the web origins of the issuer and the redirect URIs', () => {
    expect(origins).toEqual(['https://api.crm.example', 'https://app.crm.example']);
  });
});

describe('isOwnFormSubmission', () => {
  it('accepts our own origins, the host the form was posted to, and Origin: null from our no-referrer page', () => {
    expect(isOwnFormSubmission({ origin: 'https://app.crm.example', 'sec-fetch-site': 'same-origin' }, origins)).toBe(true);
    expect(isOwnFormSubmission({ origin: 'https://api.crm.example' }, origins)).toBe(true);
    expect(isOwnFormSubmission({ origin: 'http://127.0.0.1:4000', host: '127.0.0.1:4000' }, origins)).toBe(true);
    expect(isOwnFormSubmission({ origin: 'http://localhost:3000', host: '127.0.0.1:4001', 'x-forwarded-host': 'localhost:3000' }, origins)).toBe(true);
    expect(isOwnFormSubmission({ origin: 'null', 'sec-fetch-site': 'same-origin' }, origins)).toBe(true);
    expect(isOwnFormSubmission({}, origins)).toBe(true);
  });

  it('refuses other origins and anything the browser marks cross-site', () => {
    expect(isOwnFormSubmission({ origin: 'https://evil.example', host: 'api.crm.example' }, origins)).toBe(false);
    expect(isOwnFormSubmission({ origin: 'https://app.crm.example.evil.example' }, origins)).toBe(false);
    expect(isOwnFormSubmission({ 'sec-fetch-site': 'cross-site' }, origins)).toBe(false);
    expect(isOwnFormSubmission({ origin: 'null', 'sec-fetch-site': 'cross-site' }, origins)).toBe(false);
    expect(isOwnFormSubmission({ origin: 'garbage', host: 'api.crm.example' }, origins)).toBe(false);
  });
});
