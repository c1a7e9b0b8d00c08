/**
 * The app: signed out it shows the sign-in screen (sign-in happens at the platform's OpenID
 * Connect provider, which redirects back to `/auth/callback`) or, from an invitation e-mail, the page
 * to join with a password; signed in the screen of the current URL
 * (deals board and deal pages, dashboard, my activities, contacts, accounts, leads and their
 * record pages, settings for admins). Each session gets its own
 * API client (and cache), made when the session starts and closed when it ends; the access token
 * is refreshed within the session without touching either.
 */
import { ApolloProvider } from '@apollo/client/react';
import { lazy, Suspense, useEffect, useState } from 'react';
import { createApiClient, type ApiClient } from './apollo.ts';
import { graphqlHttpUrl, graphqlWsUrl } from './environment.ts';
import { AppShell } from './components/app-shell.tsx';
import { Link } from './components/link.tsx';
import { Empty, Loading } from './components/states.tsx';
import { useRoute, type Route } from './lib/route.ts';
import { DealsScreen } from './screens/deals-screen.tsx';
import { SignInCallbackScreen, SignInScreen } from './screens/sign-in-screen.tsx';
import { AcceptInvitationScreen } from './screens/accept-invitation-screen.tsx';
import { refreshSession, useSessionRefresh } from './lib/oidc-session.ts';
import { authorizationOf, currentSession, endSession, useSession } from './session.ts';

/** Screens other than the board load on first use, so the first page a user sees downloads less. */
const AccountScreen = lazy(() => import('./screens/account-screen.tsx').then((module) => ({ default: module.AccountScreen })));
const AccountsScreen = lazy(() => import('./screens/accounts-screen.tsx').then((module) => ({ default: module.AccountsScreen })));
const ContactScreen = lazy(() => import('./screens/contact-screen.tsx').then((module) => ({ default: module.ContactScreen })));
const ActivitiesScreen = lazy(() => import('./screens/activities-screen.tsx').then((module) => ({ default: module.ActivitiesScreen })));
const ContactsScreen = lazy(() => import('./screens/contacts-screen.tsx').then((module) => ({ default: module.ContactsScreen })));
const DashboardScreen = lazy(() => import('./screens/dashboard-screen.tsx').then((module) => ({ default: module.DashboardScreen })));
const DealScreen = lazy(() => import('./screens/deal-screen.tsx').then((module) => ({ default: module.DealScreen })));
const LeadScreen = lazy(() => import('./screens/lead-screen.tsx').then((module) => ({ default: module.LeadScreen })));
const LeadsScreen = lazy(() => import('./screens/leads-screen.tsx').then((module) => ({ default: module.LeadsScreen })));
const SettingsScreen = lazy(() => import('./screens/settings-screen.tsx').then((module) => ({ default: module.SettingsScreen })));

function currentAuthorization(): string | null {
  const session = currentSession();
  return session ? authorizationOf(session) : null;
}

/** The API client of the current session; null while the one for a new session is being made. */
function useApiClient(sessionId: string | null, accessToken: string | null): ApiClient | null {
  const [current, setCurrent] = useState<{ sessionId: string | null; api: ApiClient } | null>(null);
  useEffect(() => {
    const api = createApiClient({
      httpUrl: graphqlHttpUrl,
      wsUrl: graphqlWsUrl,
      authorization: sessionId ? currentAuthorization : null,
      refresh: async () => (await refreshSession()) === 'renewed',
      onUnauthenticated: endSession,
    });
    setCurrent({ sessionId, api });
    return () => api.dispose();
  }, [sessionId]);
  const api = current && current.sessionId === sessionId ? current.api : null;
  // A refreshed token goes to the open WebSocket too.
  useEffect(() => {
    if (accessToken) api?.renewAuthorization();
  }, [api, accessToken]);
  // Never render a screen with the previous session's client (e.g. just after signing in).
  return api;
}

function Screen({ route }: { route: Route }) {
  switch (route.screen) {
    case 'board':
      return <DealsScreen />;
    case 'contacts':
      return <ContactsScreen />;
    case 'contact':
      return <ContactScreen key={route.id} id={route.id} />;
    case 'accounts':
      return <AccountsScreen />;
    case 'account':
      return <AccountScreen key={route.id} id={route.id} />;
    case 'leads':
      return <LeadsScreen />;
    case 'lead':
      return <LeadScreen key={route.id} id={route.id} />;
    case 'deal':
      return <DealScreen key={route.id} id={route.id} />;
    case 'dashboard':
      return <DashboardScreen />;
    case 'activities':
      return <ActivitiesScreen />;
    case 'settings':
      return <SettingsScreen section={route.section} importId={route.importId} />;
    case 'auth-callback':
      return <SignInCallbackScreen />;
    case 'accept-invitation':
      return <AcceptInvitationScreen />;
    case 'not-found':
      return (
        <div className="screen">
          <h1>Page not found</h1>
          <Empty>There is nothing at {route.path}.</Empty>
          <Link href="/">Go to the deals board</Link>
        </div>
      );
  }
}

export function App() {
  const session = useSession();
  const api = useApiClient(session?.id ?? null, session?.accessToken ?? null);
  const route = useRoute();
  useSessionRefresh(session);

  // The provider's redirect back: finishes the sign-in, then shows the page the user was on.
  if (route.screen === 'auth-callback') return <SignInCallbackScreen />;
  if (!api) return null;
  // An invitation link: the invited person joins (signed out, or signed in to another workspace).
  if (route.screen === 'accept-invitation') {
    return (
      <ApolloProvider client={api.client}>
        <AcceptInvitationScreen />
      </ApolloProvider>
    );
  }
  return (
    <ApolloProvider client={api.client}>
      {session ? (
        <AppShell key={session.id} session={session} route={route}>
          <Suspense fallback={<Loading>Loading…</Loading>}>
            <Screen route={route} />
          </Suspense>
        </AppShell>
      ) : (
        <SignInScreen />
      )}
    </ApolloProvider>
  );
}
