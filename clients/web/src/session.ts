/**
 * The signed-in session: the tokens the OpenID Connect provider issued and who they belong to,
 * kept in `sessionStorage` (one browser tab, gone when the tab closes). Components read it with
 * `useSession()`; the API client reads the current token with `currentSession()`.
 *
 * A session outlives its access tokens: each refresh replaces the tokens (`renewSession`) and
 * keeps the session's `id`, so the screens and the API client stay as they are.
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
  /** Stable for the whole sign-in (a refresh keeps it). */
  id: string;
  accessToken: string;
  tokenType: string;
  /** Epoch milliseconds when the access token was issued. */
  issuedAt: number;
  /** Epoch milliseconds after which the access token is no longer accepted. */
  expiresAt: number;
  /** The provider's rotating refresh token (a new one with every refresh). */
  refreshToken?: string;
  idToken?: string;
  user: SessionUser;
}

/** Tokens from the provider's token endpoint. */
export interface SessionTokens {
  accessToken: string;
  tokenType: string;
  /** Lifetime of the access token in seconds. */
  expiresIn: number;
  refreshToken?: string;
  idToken?: string;
}

const listeners = new Set<() => void>();
let cached: { raw: string | null; session: Session | null } | undefined;
let onEnd: ((ended: Session) => void) | undefined;

function isSession(value: unknown): value is Session {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Session>;
  return (
    typeof v.id === 'string' &&
    typeof v.accessToken === 'string' &&
    typeof v.tokenType === 'string' &&
    typeof v.issuedAt === 'number' &&
    typeof v.expiresAt === 'number' &&
    (v.refreshToken === undefined || typeof v.refreshToken === 'string') &&
    typeof v.user === 'object' &&
    v.user !== null &&
    typeof v.user.id === 'string'
  );
}

/** A session is usable while its access token is valid or it can get a new one. */
function usable(session: Session, now: number): boolean {
  return session.expiresAt > now || session.refreshToken !== undefined;
}

function read(): Session | null {
  const raw = sessionStorage.getItem(STORAGE_KEY);
  if (cached && cached.raw === raw) return cached.session;
  let session: Session | null;
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    session = isSession(parsed) ? parsed : null;
  } catch {
    session = null;
  }
  cached = { raw, session };
  return session;
}

function write(session: Session): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  for (const listener of listeners) listener();
}

/** The current session, or null when signed out (or the token expired with no way to refresh it). */
export function currentSession(): Session | null {
  const session = read();
  return session && usable(session, Date.now()) ? session : null;
}

function randomId(): string {
  return crypto.randomUUID();
}

/** Stores the tokens of a new sign-in and who they belong to; returns the session. */
export function startSession(tokens: SessionTokens, user: SessionUser, now: number = Date.now()): Session {
  const session: Session = {
    id: randomId(),
    accessToken: tokens.accessToken,
    tokenType: tokens.tokenType,
    issuedAt: now,
    expiresAt: now + tokens.expiresIn * 1000,
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    ...(tokens.idToken ? { idToken: tokens.idToken } : {}),
    user: { id: user.id, name: user.name, email: user.email, role: user.role },
  };
  write(session);
  return session;
}

/**
 * Replaces the tokens of the session `sessionId` after a refresh (keeping the refresh token when
 * none came back). Returns the updated session, or null when that session has ended meanwhile.
 */
export function renewSession(sessionId: string, tokens: SessionTokens, now: number = Date.now()): Session | null {
  const session = read();
  if (!session || session.id !== sessionId) return null;
  const renewed: Session = {
    ...session,
    accessToken: tokens.accessToken,
    tokenType: tokens.tokenType,
    issuedAt: now,
    expiresAt: now + tokens.expiresIn * 1000,
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    ...(tokens.idToken ? { idToken: tokens.idToken } : {}),
  };
  write(renewed);
  return renewed;
}

/**
 * What else happens when a session ends (the OpenID Connect module revokes its refresh token).
 * One handler; a later call replaces it.
 */
export function onSessionEnd(handler: (ended: Session) => void): void {
  onEnd = handler;
}

/** Signs out: forgets the tokens (and hands the ended session to the `onSessionEnd` handler). */
export function endSession(): void {
  const session = read();
  if (sessionStorage.getItem(STORAGE_KEY) === null) return;
  sessionStorage.removeItem(STORAGE_KEY);
  for (const listener of listeners) listener();
  if (session) onEnd?.(session);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current session as React state; re-renders on sign-in, refresh and sign-out. */
export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, currentSession);
}

/** `Authorization` header value for a session (the API issues bearer tokens). */
export function authorizationOf(session: Session): string {
  return `Bearer ${session.accessToken}`;
}
