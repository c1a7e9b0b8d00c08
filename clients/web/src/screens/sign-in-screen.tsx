/**
 * Signing in: a "Sign in" button that sends the user to the platform's sign-in page (email,
 * password and, for people in several workspaces, the workspace), and the `/auth/callback` screen
 * the provider sends them back to, which finishes the sign-in and shows the page they were on.
 */
import { useEffect, useId, useState } from 'react';
import { beginSignIn, completeSignIn } from '../lib/oidc-session.ts';
import { SignInRejectedError } from '../lib/oidc-client.ts';
import { replace } from '../lib/route.ts';

function messageOf(error: unknown): string {
  if (error instanceof SignInRejectedError) return error.error === 'access_denied' ? 'Sign-in was cancelled.' : `Sign-in failed: ${error.message}`;
  if (error instanceof TypeError) return 'Cannot reach the sign-in service. Check your connection and try again.';
  return error instanceof Error && error.message ? error.message : 'Sign-in failed. Please try again.';
}

function SignInCard({ error, busy, onSignIn }: { error: string | null; busy: boolean; onSignIn: () => void }) {
  const id = useId();
  return (
    <main className="sign-in">
      <section className="card sign-in-form" aria-labelledby={`${id}-title`}>
        <h1 id={`${id}-title`}>Sign in</h1>
        <p className="hint">You sign in on the CRM sign-in page with your email and password, then come back here.</p>
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="button" className="primary" disabled={busy} onClick={onSignIn} autoFocus>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </section>
    </main>
  );
}

export function SignInScreen({ initialError = null }: { initialError?: string | null }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(initialError);

  function onSignIn() {
    setBusy(true);
    setError(null);
    beginSignIn().catch((cause: unknown) => {
      setBusy(false);
      setError(messageOf(cause));
    });
  }

  return <SignInCard error={error} busy={busy} onSignIn={onSignIn} />;
}

/** `/auth/callback`: exchanges the code, then replaces itself with the page to show. */
export function SignInCallbackScreen() {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let active = true;
    completeSignIn().then(
      (returnTo) => replace(returnTo),
      (cause: unknown) => {
        if (active) setError(messageOf(cause));
      },
    );
    return () => {
      active = false;
    };
  }, []);

  if (error) return <SignInScreen initialError={error} />;
  return (
    <main className="sign-in">
      <p className="muted" role="status">
        Signing in…
      </p>
    </main>
  );
}
