/**
 * One user action that calls the API (a button or a form): whether it is running and the message
 * of its last failure, in the words of `errorMessage`.
 */
import { useCallback, useState } from 'react';
import { errorMessage } from './api-error.ts';

export interface Action {
  busy: boolean;
  error: string | null;
  /** Runs `fn`; resolves to its result, or undefined when it failed (the message is in `error`). */
  run<T>(fn: () => Promise<T>): Promise<T | undefined>;
  setError(message: string | null): void;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (failure) {
      setError(errorMessage(failure));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, setError };
}
