import { describe, expect, it } from 'vitest';
import { escapeHtml, renderLoginPage } from './login-page.ts';

describe('login page', () => {
  it('escapes everything it interpolates', () => {
    const html = renderLoginPage({ action: '/oidc/interaction/x"y/login', clientName: '<script>', email: '"><img src=x>', error: "it's <b>bad</b>" });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('action="/oidc/interaction/x&quot;y/login"');
    expect(html).toContain('it&#39;s &lt;b&gt;bad&lt;/b&gt;');
    expect(escapeHtml('a&b')).toBe('a&amp;b');
  });

  it('asks for the tenant only when told to', () => {
    expect(renderLoginPage({ action: '/a', clientName: 'CRM' })).not.toContain('name="tenant"');
    expect(renderLoginPage({ action: '/a', clientName: 'CRM', askTenant: true, tenantSlug: 'acme' })).toContain('name="tenant" autocomplete="organization" required value="acme"');
  });
});
