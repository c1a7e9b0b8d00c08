/** Sign-in form: email, password and, for people in several workspaces, the workspace slug. */
import { useMutation } from '@apollo/client/react';
import { useId, type FormEvent } from 'react';
import { errorMessage } from '../lib/api-error.ts';
import { LoginMutation } from '../operations.ts';
import { startSession } from '../session.ts';

function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
}

export function SignInScreen() {
  const [login, { loading, error }] = useMutation(LoginMutation);
  const id = useId();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const tenantSlug = field(form, 'tenantSlug');
    try {
      const { data } = await login({
        variables: { email: field(form, 'email'), password: String(form.get('password') ?? ''), tenantSlug: tenantSlug || null },
      });
      if (data) startSession(data.login);
    } catch {
      // The error is rendered from the mutation state below.
    }
  }

  return (
    <main className="sign-in">
      <form className="card sign-in-form" onSubmit={onSubmit} aria-labelledby={`${id}-title`} noValidate={false}>
        <h1 id={`${id}-title`}>Sign in</h1>
        <div className="field">
          <label htmlFor={`${id}-email`}>Email</label>
          <input id={`${id}-email`} name="email" type="email" autoComplete="username" required autoFocus />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>Password</label>
          <input id={`${id}-password`} name="password" type="password" autoComplete="current-password" required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-tenant`}>
            Workspace <span className="optional">(optional)</span>
          </label>
          <input
            id={`${id}-tenant`}
            name="tenantSlug"
            type="text"
            autoComplete="organization"
            spellCheck={false}
            aria-describedby={`${id}-tenant-hint`}
          />
          <p id={`${id}-tenant-hint`} className="hint">
            Only needed when your email belongs to more than one workspace.
          </p>
        </div>
        {error ? (
          <p className="error" role="alert">
            {errorMessage(error)}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={loading}>
          {loading ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
