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
  });

  it('reports anything else as not found', () => {
    expect(parseRoute('/contacts/1/edit')).toEqual({ screen: 'not-found', path: '/contacts/1/edit' });
    expect(parseRoute('/constructor')).toEqual({ screen: 'not-found', path: '/constructor' });
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
    ];
    for (const route of routes) expect(parseRoute(pathOf(route))).toEqual(route);
  });
});
