/**
 * The signed-in session: the access token and who it belongs to, kept in `sessionStorage`
 * (one browser tab, gone when the tab closes). Components read it with `useSession()`; the
 * API client reads the token with `currentSession()`.
 */
import { useSyncExternalStore } from 'react';

const STORAGE_KEY = 'crm.session';

export interface SessionUser {
  id: string;
  name: string;
  email: string;
  role: string;
}

export interface Session {
  accessToken: string;
  tokenType: string;
  /** Epoch milliseconds after which the token is no longer accepted. */
  expiresAt: number;
  user: SessionUser;
}

/** What the `login` mutation returns. */
export interface SignInResult {
  accessToken: string;
  tokenType: string;
  /** Lifetime of the token in seconds. */
  expiresIn: number;
  user: SessionUser;
}

const listeners = new Set<() => void>();
let cached: { raw: string | null; session: Session | null } | undefined;

function isSession(value: unknown): value is Session {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Session>;
  return (
    typeof v.accessToken === 'string' &&
    typeof v.tokenType === 'string' &&
    typeof v.expiresAt === 'number' &&
    typeof v.user === 'object' &&
    v.user !== null &&
    typeof v.user.id === 'string'
  );
}

function read(): Session | null {
  const raw = sessionStorage.getItem(STORAGE_KEY);
  if (cached && cached.raw === raw) return cached.session;
  let session: Session | null;
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    session = isSession(parsed) && parsed.expiresAt > Date.now() ? parsed : null;
  } catch {
    session = null;
  }
  cached = { raw, session };
  return session;
}

function notify(): void {
  for (const listener of listeners) listener();
}

/** The current session, or null when signed out or the token has expired. */
export function currentSession(): Session | null {
  const session = read();
  return session && session.expiresAt > Date.now() ? session : null;
}

/** Stores the result of a successful sign-in and returns the session. */
export function startSession(result: SignInResult, now: number = Date.now()): Session {
  const session: Session = {
    accessToken: result.accessToken,
    tokenType: result.tokenType,
    expiresAt: now + result.expiresIn * 1000,
    user: { id: result.user.id, name: result.user.name, email: result.user.email, role: result.user.role },
  };
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  notify();
  return session;
}

/** Signs out: forgets the token. */
export function endSession(): void {
  if (sessionStorage.getItem(STORAGE_KEY) === null) return;
  sessionStorage.removeItem(STORAGE_KEY);
  notify();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current session as React state; re-renders on sign-in and sign-out. */
export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, currentSession);
}

/** `Authorization` header value for a session (the API issues bearer tokens). */
export function authorizationOf(session: Session): string {
  return `Bearer ${session.accessToken}`;
}
