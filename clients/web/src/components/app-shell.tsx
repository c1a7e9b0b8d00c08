/**
 * The signed-in frame: skip link, header with the sections (Settings for admins only), the
 * notifications bell, the user and sign-out, then the screen.
 */
import type { ReactNode } from 'react';
import type { Route } from '../lib/route.ts';
import { switchWorkspace } from '../lib/oidc-session.ts';
import { canManageSettings } from '../lib/roles.ts';
import { endSession, type Session } from '../session.ts';
import { Link } from './link.tsx';
import { NotificationsBell } from './notifications-bell.tsx';

/** `SALES_MANAGER` → `Sales manager`. */
export function roleLabel(role: string): string {
  const words = role.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const SECTIONS = [
  { href: '/dashboard', label: 'Dashboard', screens: ['dashboard'] },
  { href: '/', label: 'Deals', screens: ['board', 'deal'] },
  { href: '/activities', label: 'My activities', screens: ['activities'] },
  { href: '/contacts', label: 'Contacts', screens: ['contacts', 'contact'] },
  { href: '/accounts', label: 'Accounts', screens: ['accounts', 'account'] },
  { href: '/leads', label: 'Leads', screens: ['leads', 'lead'] },
] as const;

const SETTINGS = { href: '/settings', label: 'Settings', screens: ['settings'] } as const;

export function AppShell({ session, route, children }: { session: Session; route: Route; children: ReactNode }) {
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <span className="brand">CRM</span>
        <nav aria-label="Sections">
          <ul className="nav">
            {(canManageSettings(session.user.role) ? [...SECTIONS, SETTINGS] : SECTIONS).map((section) => {
              const current = (section.screens as readonly string[]).includes(route.screen);
              return (
                <li key={section.href}>
                  <Link href={section.href} aria-current={current ? 'page' : undefined}>
                    {section.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="account">
          <NotificationsBell />
          <span>
            {session.user.name} <span className="muted">· {roleLabel(session.user.role)}</span>
          </span>
          <button type="button" aria-label="Switch workspace" title="Switch workspace" onClick={() => void switchWorkspace()}>
            Switch
          </button>
          <button type="button" onClick={endSession}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
