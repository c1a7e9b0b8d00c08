/**
 * The app shell: signed out it shows the sign-in form, signed in the deals board. Each session
 * gets its own API client (and cache), made when the session starts and closed when it ends.
 */
import { ApolloProvider } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { createApiClient, type ApiClient } from './apollo.ts';
import { graphqlHttpUrl, graphqlWsUrl } from './environment.ts';
import { DealsScreen } from './screens/deals-screen.tsx';
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

export function App() {
  const session = useSession();
  const api = useApiClient(session);
  useSignOutOnExpiry(session);

  if (!api) return null;
  return (
    <ApolloProvider client={api.client}>
      {session ? <DealsScreen key={session.accessToken} session={session} /> : <SignInScreen />}
    </ApolloProvider>
  );
}
