/**
 * The sign-in page of the OpenID Connect flow: a small server-rendered form (email, password, and
 * the tenant when the email belongs to several). Everything interpolated is HTML-escaped.
 */

export interface LoginPageOptions {
  /** Where the form posts to. */
  action: string;
  /** Name of the application asking, shown in the heading. */
  clientName: string;
  email?: string;
  /** Show the tenant field (the email belongs to several tenants). */
  askTenant?: boolean;
  tenantSlug?: string;
  /** Why the previous attempt failed. */
  error?: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

export function renderLoginPage(options: LoginPageOptions): string {
  const error = options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : '';
  const tenant = options.askTenant
    ? `<label>Workspace<input name="tenant" autocomplete="organization" required value="${escapeHtml(options.tenantSlug ?? '')}"></label>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Sign in</title>
<style>
body{font-family:system-ui,sans-serif;background:#f4f5f7;display:flex;justify-content:center;padding-top:10vh;margin:0}
form{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.1);width:20rem;display:flex;flex-direction:column;gap:1rem}
label{display:flex;flex-direction:column;gap:.25rem;font-size:.9rem}
input{padding:.5rem;font-size:1rem;border:1px solid #ccd;border-radius:4px}
button{padding:.6rem;font-size:1rem;border:0;border-radius:4px;background:#2457d6;color:#fff;cursor:pointer}
.error{color:#b00020;margin:0}
h1{font-size:1.2rem;margin:0}
</style>
</head>
<body>
<form method="post" action="${escapeHtml(options.action)}" autocomplete="on">
<h1>Sign in to ${escapeHtml(options.clientName)}</h1>
${error}
<label>Email<input name="email" type="email" autocomplete="username" required value="${escapeHtml(options.email ?? '')}"></label>
<label>Password<input name="password" type="password" autocomplete="current-password" required></label>
${tenant}
<button type="submit">Sign in</button>
</form>
</body>
</html>
`;
}
