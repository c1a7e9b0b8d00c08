/**
 * `/invitations/accept?token=…`, the page an invitation e-mail links to: the invited person
 * chooses a password (typed twice), joins the workspace with it, then signs in like everyone else.
 * A used, expired or unknown link gets the API's message.
 */
import { useMutation } from '@apollo/client/react';
import { useId, useState, type FormEvent } from 'react';
import { FormField } from '../components/form-field.tsx';
import { invitationTokenOf, MIN_PASSWORD_LENGTH, passwordProblem } from '../lib/invitation.ts';
import { beginSignIn } from '../lib/oidc-session.ts';
import { useAction } from '../lib/use-action.ts';
import { AcceptInvitationMutation } from '../operations.ts';

export function AcceptInvitationScreen() {
  const id = useId();
  const [token] = useState(() => invitationTokenOf(window.location.search));
  const [accept] = useMutation(AcceptInvitationMutation);
  const action = useAction();
  const [problem, setProblem] = useState<string | null>(null);
  const [joined, setJoined] = useState<{ email: string; workspace: string } | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('password') ?? '');
    const found = passwordProblem(password, String(form.get('confirmation') ?? ''));
    setProblem(found);
    if (found || !token) return;
    const result = await action.run(() => accept({ variables: { token, password } }));
    const user = result?.data?.acceptInvitation.user;
    if (user) setJoined({ email: user.email, workspace: user.tenant.name });
  }

  function onSignIn() {
    // back to the board after signing in, not to this (used) link
    window.history.replaceState(null, '', '/');
    beginSignIn().catch((cause: unknown) => action.setError(cause instanceof Error ? cause.message : 'Sign-in failed. Please try again.'));
  }

  return (
    <main className="sign-in">
      <section className="card sign-in-form" aria-labelledby={`${id}-title`}>
        <h1 id={`${id}-title`}>Join your workspace</h1>
        {!token ? (
          <p className="error" role="alert">
            This invitation link is incomplete. Open the link from your invitation e-mail again, or ask your administrator for a new invitation.
          </p>
        ) : joined ? (
          <>
            <p role="status">
              You have joined {joined.workspace} as {joined.email}. Sign in with your new password.
            </p>
            {action.error ? (
              <p className="error" role="alert">
                {action.error}
              </p>
            ) : null}
            <button type="button" className="primary" onClick={onSignIn} autoFocus>
              Sign in
            </button>
          </>
        ) : (
          <form aria-label="Choose your password" onSubmit={(event) => void onSubmit(event)} noValidate>
            <p className="hint">Choose the password you will sign in with (at least {MIN_PASSWORD_LENGTH} characters).</p>
            <FormField label="Password" name="password" type="password" autoComplete="new-password" autoFocus required error={problem ?? undefined} />
            <FormField label="Password again" name="confirmation" type="password" autoComplete="new-password" required />
            {action.error ? (
              <p className="error" role="alert">
                {action.error}
              </p>
            ) : null}
            <button type="submit" className="primary" disabled={action.busy}>
              {action.busy ? 'Joining…' : 'Join'}
            </button>
          </form>
        )}
      </section>
    </main>
  );
}
