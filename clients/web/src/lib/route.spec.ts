import { describe, expect, it } from 'vitest';
import { parseRoute, pathOf, type Route } from './route.ts';

describe('parseRoute', () => {
  it('knows the board, the lists and the record pages', () => {
    expect(parseRoute('/')).toEqual({ screen: 'board' });
    expect(parseRoute('/deals')).toEqual({ screen: 'board' });
    expect(parseRoute('/contacts')).toEqual({ screen: 'contacts' });
    expect(parseRoute('/contacts/')).toEqual({ screen: 'contacts' });
    expect(parseRoute('/accounts/a%201')).toEqual({ screen: 'account', id: 'a 1' });
    expect(parseRoute('/leads/42')).toEqual({ screen: 'lead', id: '42' });
    expect(parseRoute('/deals/d1')).toEqual({ screen: 'deal', id: 'd1' });
    expect(parseRoute('/dashboard')).toEqual({ screen: 'dashboard' });
    expect(parseRoute('/activities')).toEqual({ screen: 'activities' });
  });

  it('knows the page invitation e-mails link to', () => {
    expect(parseRoute('/invitations/accept')).toEqual({ screen: 'accept-invitation' });
    expect(parseRoute('/invitations')).toEqual({ screen: 'not-found', path: '/invitations' });
  });

  it('opens the users section of the settings unless another one is named', () => {
    expect(parseRoute('/settings')).toEqual({ screen: 'settings', section: 'users' });
    expect(parseRoute('/settings/api-keys')).toEqual({ screen: 'settings', section: 'api-keys' });
    expect(parseRoute('/settings/bi-queries')).toEqual({ screen: 'settings', section: 'bi-queries' });
    expect(parseRoute('/settings/roles')).toEqual({ screen: 'settings', section: 'roles' });
    expect(parseRoute('/settings/billing')).toEqual({ screen: 'not-found', path: '/settings/billing' });
  });

  it('opens one import of Settings → Import by id', () => {
    expect(parseRoute('/settings/import')).toEqual({ screen: 'settings', section: 'import' });
    expect(parseRoute('/settings/import/0b1c')).toEqual({ screen: 'settings', section: 'import', importId: '0b1c' });
    expect(parseRoute('/settings/webhooks/1')).toEqual({ screen: 'not-found', path: '/settings/webhooks/1' });
    expect(parseRoute('/settings/import/1/2')).toEqual({ screen: 'not-found', path: '/settings/import/1/2' });
  });

  it('reports anything else as not found', () => {
    expect(parseRoute('/contacts/1/edit')).toEqual({ screen: 'not-found', path: '/contacts/1/edit' });
    expect(parseRoute('/constructor')).toEqual({ screen: 'not-found', path: '/constructor' });
    expect(parseRoute('/dashboard/1')).toEqual({ screen: 'not-found', path: '/dashboard/1' });
    expect(parseRoute('/deals/1/edit')).toEqual({ screen: 'not-found', path: '/deals/1/edit' });
  });
});

describe('pathOf', () => {
  it('is the inverse of parseRoute', () => {
    const routes: Route[] = [
      { screen: 'board' },
      { screen: 'contacts' },
      { screen: 'contact', id: 'c/1' },
      { screen: 'accounts' },
      { screen: 'account', id: 'a1' },
      { screen: 'leads' },
      { screen: 'lead', id: 'l1' },
      { screen: 'deal', id: 'd 1' },
      { screen: 'dashboard' },
      { screen: 'activities' },
      { screen: 'settings', section: 'users' },
      { screen: 'settings', section: 'webhooks' },
      { screen: 'settings', section: 'import', importId: 'i 1' },
      { screen: 'accept-invitation' },
    ];
    for (const route of routes) expect(parseRoute(pathOf(route))).toEqual(route);
  });
});
