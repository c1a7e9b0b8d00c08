import { describe, expect, it } from 'vitest';
import { invitationTokenOf, MAX_PASSWORD_LENGTH, passwordProblem } from './invitation.ts';

describe('invitation links', () => {
  it('reads the token of the link, and nothing from a link without one', () => {
    expect(invitationTokenOf('?token=abc.DEF-123')).toBe('abc.DEF-123');
    expect(invitationTokenOf('?token=a%2Bb&x=1')).toBe('a+b');
    expect(invitationTokenOf('?token=')).toBeNull();
    expect(invitationTokenOf('?other=1')).toBeNull();
    expect(invitationTokenOf('')).toBeNull();
  });

  it('asks for a password of 8 characters or more, typed the same twice', () => {
    expect(passwordProblem('short', 'short')).toBe('Use at least 8 characters.');
    expect(passwordProblem('a long passphrase', 'a long passphrasE')).toBe('The two passwords differ.');
    expect(passwordProblem('x'.repeat(MAX_PASSWORD_LENGTH + 1), 'x'.repeat(MAX_PASSWORD_LENGTH + 1))).toBe(`Use at most ${MAX_PASSWORD_LENGTH} characters.`);
    expect(passwordProblem('a long passphrase', 'a long passphrase')).toBeNull();
  });
});
