/**
 * The app: signed out it shows the sign-in form, signed in the screen of the current URL
 * (deals board and deal pages, dashboard, my activities, contacts, accounts, leads and their
 * record pages, settings for admins). Each session gets its own
 * API client (and cache), made when the session starts and closed when it ends.
 */
import { ApolloProvider } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { createApiClient, type ApiClient } from './apollo.ts';
import { graphqlHttpUrl, graphqlWsUrl } from './environment.ts';
import { AppShell } from './components/app-shell.tsx';
import { Link } from './components/link.tsx';
import { Empty } from './components/states.tsx';
import { useRoute, type Route } from './lib/route.ts';
import { AccountScreen } from './screens/account-screen.tsx';
import { AccountsScreen } from './screens/accounts-screen.tsx';
import { ContactScreen } from './screens/contact-screen.tsx';
import { ActivitiesScreen } from './screens/activities-screen.tsx';
import { ContactsScreen } from './screens/contacts-screen.tsx';
import { DashboardScreen } from './screens/dashboard-screen.tsx';
import { DealScreen } from './screens/deal-screen.tsx';
import { DealsScreen } from './screens/deals-screen.tsx';
import { LeadScreen } from './screens/lead-screen.tsx';
import { LeadsScreen } from './screens/leads-screen.tsx';
import { SettingsScreen } from './screens/settings-screen.tsx';
import { SignInScreen } from './screens/sign-in-screen.tsx';
import { authorizationOf, endSession, useSession, type Session } from './session.ts';

/** Longest delay `setTimeout` accepts (about 24.8 days). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Signs out when the access token expires (there is no refresh token yet). */
function useSignOutOnExpiry(session: Session | null): void {
  useEffect(() => {
    if (!session) return;
    const timer = setTimeout(endSession, Math.min(Math.max(session.expiresAt - Date.now(), 0), MAX_TIMEOUT_MS));
    return () => clearTimeout(timer);
  }, [session]);
}

/** The API client of the current session; null while the one for a new session is being made. */
function useApiClient(session: Session | null): ApiClient | null {
  const [current, setCurrent] = useState<{ session: Session | null; api: ApiClient } | null>(null);
  useEffect(() => {
    const api = createApiClient({
      httpUrl: graphqlHttpUrl,
      wsUrl: graphqlWsUrl,
      authorization: session ? authorizationOf(session) : null,
      onUnauthenticated: endSession,
    });
    setCurrent({ session, api });
    return () => api.dispose();
  }, [session]);
  // Never render a screen with the previous session's client (e.g. just after signing in).
  return current && current.session === session ? current.api : null;
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
      return <SettingsScreen section={route.section} />;
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
  const api = useApiClient(session);
  const route = useRoute();
  useSignOutOnExpiry(session);

  if (!api) return null;
  return (
    <ApolloProvider client={api.client}>
      {session ? (
        <AppShell key={session.accessToken} session={session} route={route}>
          <Screen route={route} />
        </AppShell>
      ) : (
        <SignInScreen />
      )}
    </ApolloProvider>
  );
}
