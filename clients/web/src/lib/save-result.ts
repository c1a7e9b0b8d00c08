/**
 * Inline edits go through the batch upserts (`upsertContacts`, `upsertAccounts`) with one item;
 * a refused item comes back as data (`outcome: FAILED` with `{ code, message, field }`), other
 * failures as GraphQL errors. Either way the user reads one message.
 */
import { errorMessage } from './api-error.ts';

export interface UpsertItem {
  outcome: string;
  error?: { message: string; field?: string | null } | null;
}

/** The message to show for a single-item upsert, or null when it was saved. */
export function upsertMessage(items: readonly UpsertItem[] | undefined): string | null {
  const item = items?.[0];
  if (!item) return 'The change was not saved. Please try again.';
  if (item.outcome === 'FAILED') return item.error?.message ?? 'The change was not saved.';
  return null;
}

/** Runs a single-item upsert and returns the message to show, or null when saved. */
export async function saveWith(run: () => Promise<readonly UpsertItem[] | undefined>): Promise<string | null> {
  try {
    return upsertMessage(await run());
  } catch (error) {
    return errorMessage(error);
  }
}
