/**
 * Joining a workspace from an invitation e-mail: the one-time token of the link
 * (`/invitations/accept?token=…`) and the checks on the chosen password that the browser can make
 * before asking the API (which checks them again).
 */

/** The platform's password bounds (argon2id hashes whatever lies within them). */
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;

/** The invitation token of a link's query string, or null when there is none. */
export function invitationTokenOf(search: string): string | null {
  const token = new URLSearchParams(search).get('token')?.trim();
  return token ? token : null;
}

/** Why a password cannot be used, or null when it can. */
export function passwordProblem(password: string, confirmation: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  if (password !== confirmation) return 'The two passwords differ.';
  return null;
}
