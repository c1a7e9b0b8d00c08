/**
 * The app's screens as URLs (`/contacts/42`, `/deals/7`, `/settings/api-keys`), read from and
 * written to the browser history.
 * The product's server answers every path with the app, so each URL can be reloaded or shared.
 */
import { useSyncExternalStore } from 'react';
import { CALLBACK_PATH } from './oidc.ts';

/** Where invitation e-mails send people (with `?token=`): the platform's invitation template builds this link. */
export const INVITATION_PATH = '/invitations/accept';

export type Route =
  | { screen: 'board' }
  | { screen: 'contacts' }
  | { screen: 'contact'; id: string }
  | { screen: 'accounts' }
  | { screen: 'account'; id: string }
  | { screen: 'leads' }
  | { screen: 'lead'; id: string }
  | { screen: 'deal'; id: string }
  | { screen: 'dashboard' }
  | { screen: 'activities' }
  | { screen: 'settings'; section: SettingsSection; importId?: string }
  | { screen: 'auth-callback' }
  | { screen: 'accept-invitation' }
  | { screen: 'not-found'; path: string };

/** The parts of the settings screen (tenant admins only), in the order they are listed. */
export const SETTINGS_SECTIONS = ['users', 'roles', 'api-keys', 'webhooks', 'custom-fields', 'bi-queries', 'import'] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

function isSettingsSection(segment: string): segment is SettingsSection {
  return (SETTINGS_SECTIONS as readonly string[]).includes(segment);
}

const COLLECTIONS = { contacts: 'contact', accounts: 'account', leads: 'lead' } as const;
type Collection = keyof typeof COLLECTIONS;

function isCollection(segment: string): segment is Collection {
  return Object.hasOwn(COLLECTIONS, segment);
}

/** The route of a path; unknown paths give `not-found`. */
export function parseRoute(pathname: string): Route {
  if (pathname === CALLBACK_PATH) return { screen: 'auth-callback' };
  if (pathname === INVITATION_PATH) return { screen: 'accept-invitation' };
  const segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (segments.length === 0 || (segments.length === 1 && segments[0] === 'deals')) return { screen: 'board' };
  const [collection, id, ...rest] = segments;
  if (collection === 'deals' && id && rest.length === 0) return { screen: 'deal', id };
  if (segments.length === 1 && (collection === 'dashboard' || collection === 'activities')) return { screen: collection };
  if (collection === 'settings' && rest.length === 0) {
    if (!id) return { screen: 'settings', section: 'users' };
    if (isSettingsSection(id)) return { screen: 'settings', section: id };
  }
  // One import of Settings → Import: /settings/import/<id>
  if (collection === 'settings' && id === 'import' && rest.length === 1 && rest[0]) return { screen: 'settings', section: 'import', importId: rest[0] };
  if (collection && isCollection(collection) && rest.length === 0) {
    return id ? { screen: COLLECTIONS[collection], id } : { screen: collection };
  }
  return { screen: 'not-found', path: pathname };
}

/** The path of a route (inverse of {@link parseRoute}). */
export function pathOf(route: Route): string {
  switch (route.screen) {
    case 'board':
      return '/';
    case 'contacts':
    case 'accounts':
    case 'leads':
    case 'dashboard':
    case 'activities':
      return `/${route.screen}`;
    case 'contact':
    case 'account':
    case 'lead':
    case 'deal':
      return `/${route.screen}s/${encodeURIComponent(route.id)}`;
    case 'settings':
      if (route.importId) return `/settings/${route.section}/${encodeURIComponent(route.importId)}`;
      return route.section === 'users' ? '/settings' : `/settings/${route.section}`;
    case 'auth-callback':
      return CALLBACK_PATH;
    case 'accept-invitation':
      return INVITATION_PATH;
    case 'not-found':
      return route.path;
  }
}

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

function currentPath(): string {
  return window.location.pathname;
}

/** Goes to a path, adding it to the history (the back button returns). */
export function navigate(path: string): void {
  if (path === window.location.pathname) return;
  window.history.pushState(null, '', path);
  for (const listener of listeners) listener();
  window.scrollTo(0, 0);
}

/** Goes to a path in place of the current entry (the back button skips it), e.g. leaving the sign-in callback. */
export function replace(path: string): void {
  window.history.replaceState(null, '', path);
  for (const listener of listeners) listener();
}

/** The current route; re-renders on navigation and on back/forward. */
export function useRoute(): Route {
  return parseRoute(useSyncExternalStore(subscribe, currentPath));
}
