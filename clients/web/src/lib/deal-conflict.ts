/**
 * Deal edits carry the version the user saw (`expectedVersion`). When someone changed the deal
 * first, the API refuses with CONFLICT and puts the deal's current values in
 * `extensions.current`; the deal page shows them so the user can decide again.
 */
import { graphQLErrorsOf } from './api-error.ts';
import { formatMoney } from './money.ts';

/** The deal as it is now, from `extensions.current` of a CONFLICT. */
export interface CurrentDealValues {
  version: number | null;
  name: string | null;
  amount: string | null;
  currency: string | null;
  status: string | null;
  stageId: string | null;
  ownerId: string | null;
  accountId: string | null;
  expectedCloseDate: string | null;
}

export interface DealConflict {
  message: string;
  current: CurrentDealValues | null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The CONFLICT of a failed deal write, or null when it failed for another reason. */
export function dealConflictOf(error: unknown): DealConflict | null {
  const conflict = graphQLErrorsOf(error).find((e) => e.extensions?.code === 'CONFLICT');
  if (!conflict) return null;
  const raw = conflict.extensions?.current;
  if (typeof raw !== 'object' || raw === null) return { message: conflict.message, current: null };
  const c = raw as Record<string, unknown>;
  return {
    message: conflict.message,
    current: {
      version: typeof c.version === 'number' ? c.version : null,
      name: text(c.name),
      amount: text(c.amount),
      currency: text(c.currency),
      status: text(c.status),
      stageId: text(c.stageId),
      ownerId: text(c.ownerId),
      accountId: text(c.accountId),
      expectedCloseDate: text(c.expectedCloseDate),
    },
  };
}

/** One sentence for the user: someone else changed the deal, and what it says now. */
export function describeDealConflict(conflict: DealConflict, names: { stage?: string | null; owner?: string | null } = {}): string {
  const current = conflict.current;
  if (!current) return 'Someone changed this deal while you were editing it. Your change was not saved; the page now shows the current values.';
  const facts: string[] = [];
  if (current.name !== null) facts.push(`name “${current.name}”`);
  if (current.amount !== null && current.currency !== null) facts.push(`amount ${formatMoney(current.amount, current.currency)}`);
  if (names.stage) facts.push(`stage ${names.stage}`);
  if (names.owner) facts.push(`owner ${names.owner}`);
  facts.push(`expected close date ${current.expectedCloseDate ?? 'none'}`);
  return `Someone changed this deal while you were editing it, so your change was not saved. It now has ${facts.join(', ')}. Edit again to apply your change to these values.`;
}
