import { describe, expect, it } from 'vitest';
import { invitationLink, recordPath, renderEmail, TemplateError } from './templates.ts';

const context = { appUrl: 'https://crm.example.com' };

describe('renderEmail', () => {
  it('renders an invitation with its one-time link and expiry', () => {
    const email = renderEmail('user-invitation', { name: 'Ivy', token: 'a+b/c', expiresAt: '2026-12-03T10:00:00.000Z' }, context);
    expect(email.subject).toBe('You are invited to join your team on the CRM');
    expect(email.text).toContain('Hello Ivy,');
    expect(email.text).toContain('https://crm.example.com/invitations/accept?token=a%2Bb%2Fc');
    expect(email.text).toContain('Thu, 03 Dec 2026 10:00:00 GMT');
  });

  it('renders a notification with a link to its record', () => {
    const email = renderEmail('notification', { name: 'Ada', title: 'Deal won', body: 'Acme renewal', recordType: 'Deal', recordId: 'd1' }, context);
    expect(email).toEqual({ subject: 'Deal won', text: expect.stringContaining('Open it: https://crm.example.com/deals/d1') });
    expect(email.text).toContain('Acme renewal');
  });

  it('refuses unknown templates and missing values', () => {
    expect(() => renderEmail('welcome', {}, context)).toThrow(TemplateError);
    expect(() => renderEmail('user-invitation', { name: 'Ivy', expiresAt: '2026-12-03T10:00:00.000Z' }, context)).toThrow('missing token');
    expect(() => renderEmail('user-invitation', { name: 'Ivy', token: 't', expiresAt: 'soon' }, context)).toThrow('expiresAt is not a date');
    expect(() => renderEmail('notification', null, context)).toThrow(TemplateError);
    expect(() => renderEmail('toString', {}, context)).toThrow('unknown template toString');
  });
});

describe('links', () => {
  it('point at the web app pages of records and invitations', () => {
    expect(recordPath('Contact', 'c 1')).toBe('/contacts/c%201');
    expect(recordPath('Lead', 'l1')).toBe('/leads/l1');
    expect(recordPath('Activity', 'a1')).toBe('/activities');
    expect(recordPath('Widget', 'w1')).toBe('/');
    expect(invitationLink('https://x.test', 'tok')).toBe('https://x.test/invitations/accept?token=tok');
  });
});
