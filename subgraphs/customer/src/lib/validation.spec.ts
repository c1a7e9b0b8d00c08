import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { optionalDomain, optionalEmail, optionalPhone, parseInput, requiredName } from './validation.ts';

describe('customer input rules', () => {
  it.each(['acme.com', 'ACME.COM', 'sub.acme.co.uk', 'xn--bcher-kva.example', 'acme.com.'])('accepts the domain %s', (domain) => {
    expect(optionalDomain.safeParse(domain).success).toBe(true);
  });

  it.each(['acme', 'https://acme.com', 'acme..com', '-acme.com', 'acme.c0m', 'ac me.com', '127.0.0.1'])('rejects the domain %s', (domain) => {
    expect(optionalDomain.safeParse(domain).success).toBe(false);
  });

  it('normalizes domains and e-mail addresses to lowercase, blanks to null', () => {
    expect(optionalDomain.parse(' Acme.COM. ')).toBe('acme.com');
    expect(optionalEmail.parse(' Ada@Example.COM ')).toBe('ada@example.com');
    expect(optionalEmail.parse('   ')).toBeNull();
    expect(optionalEmail.parse(undefined)).toBeNull();
  });

  it.each(['ada', 'ada@', '@example.com', 'ada@example', 'a b@example.com'])('rejects the e-mail %s', (email) => {
    expect(optionalEmail.safeParse(email).success).toBe(false);
  });

  it('accepts common phone formats and rejects prose', () => {
    for (const phone of ['+1 (555) 010-9999', '020 7946 0000', '555.0100 ext. 12']) expect(optionalPhone.safeParse(phone).success).toBe(true);
    expect(optionalPhone.safeParse('call me').success).toBe(false);
  });

  it('throws BAD_USER_INPUT naming the first invalid field, with the batch path', () => {
    const schema = z.object({ name: requiredName('name') });
    expect(parseInput(schema, { name: ' Acme ' })).toEqual({ name: 'Acme' });
    try {
      parseInput(schema, { name: '' }, ['inputs', 3]);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ message: 'inputs.3.name: name must not be empty', extensions: { code: 'BAD_USER_INPUT', field: 'inputs.3.name' } });
    }
  });
});
