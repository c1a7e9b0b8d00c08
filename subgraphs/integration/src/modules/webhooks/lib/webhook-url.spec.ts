import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, isPrivateHost } from './webhook-url.ts';

describe('checkWebhookUrl', () => {
  it('accepts public https URLs and drops the fragment', () => {
    expect(checkWebhookUrl(' https://hooks.example.com/crm?x=1#frag ')).toEqual({ ok: true, url: 'https://hooks.example.com/crm?x=1' });
    expect(checkWebhookUrl('https://93.184.216.34/hook').ok).toBe(true);
    expect(checkWebhookUrl('https://[2606:4700::1111]/hook').ok).toBe(true);
  });

  it.each([
    ['http://hooks.example.com/', 'https'],
    ['ftp://hooks.example.com/', 'https'],
    ['hooks.example.com/path', 'valid absolute URL'],
    ['https://user:pass@hooks.example.com/', 'credentials'],
    ['https://token@hooks.example.com/', 'credentials'],
    ['https://localhost/hook', 'localhost'],
    ['https://api.localhost./hook', 'localhost'],
    ['https://127.0.0.1/hook', 'private'],
    ['https://2130706433/hook', 'private'], // 127.0.0.1 in decimal
    ['https://0x7f.1/hook', 'private'],
    ['https://10.1.2.3/hook', 'private'],
    ['https://172.20.0.1/hook', 'private'],
    ['https://192.168.1.10/hook', 'private'],
    ['https://169.254.169.254/latest/meta-data', 'private'],
    ['https://100.64.0.1/hook', 'private'],
    ['https://0.0.0.0/hook', 'private'],
    ['https://[::1]/hook', 'private'],
    ['https://[fe80::1]/hook', 'private'],
    ['https://[fd00::1]/hook', 'private'],
    ['https://[::ffff:127.0.0.1]/hook', 'private'],
    ['https://[::ffff:10.0.0.1]/hook', 'private'],
  ])('refuses %s (%s)', (url, reason) => {
    const result = checkWebhookUrl(url);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });

  it('allows http and private hosts only when insecure URLs are allowed, never credentials', () => {
    expect(checkWebhookUrl('http://127.0.0.1:8080/hook', { allowInsecure: true })).toEqual({ ok: true, url: 'http://127.0.0.1:8080/hook' });
    expect(checkWebhookUrl('http://localhost/hook', { allowInsecure: true }).ok).toBe(true);
    expect(checkWebhookUrl('http://u:p@localhost/hook', { allowInsecure: true }).ok).toBe(false);
    expect(checkWebhookUrl('file:///etc/passwd', { allowInsecure: true }).ok).toBe(false);
  });

  it('refuses over-long URLs', () => {
    expect(checkWebhookUrl(`https://hooks.example.com/${'a'.repeat(2100)}`).ok).toBe(false);
  });
});

describe('isPrivateHost', () => {
  it('treats names other than localhost as public (resolution is checked at delivery)', () => {
    expect(isPrivateHost('hooks.example.com')).toBe(false);
    expect(isPrivateHost('8.8.8.8')).toBe(false);
    expect(isPrivateHost('LOCALHOST')).toBe(true);
  });
});
