/**
 * The customer subgraph's merge events, as the sales subgraph reads them.
 *
 * `customer.contact.merged` / `customer.account.merged` {mergeId, survivorId, mergedIds} ask every
 * subgraph to move its references from the merged records to the survivor;
 * `customer.contact.merge_undone` / `customer.account.merge_undone` (same payload) ask to move them back.
 */
import type { EventEnvelope } from '@crm/events';
import { isUuid } from '@crm/runtime';

export const CONTACT_MERGED = 'customer.contact.merged';
export const CONTACT_MERGE_UNDONE = 'customer.contact.merge_undone';
export const ACCOUNT_MERGED = 'customer.account.merged';
export const ACCOUNT_MERGE_UNDONE = 'customer.account.merge_undone';

/** Emitted by sales once it has moved (or moved back) its references for a merge. */
export const REFERENCES_MOVED = 'sales.record_merge.references_moved';

export interface MergeRequest {
  eventId: string;
  tenantId: string;
  actor: EventEnvelope['actor'];
  record: 'CONTACT' | 'ACCOUNT';
  direction: 'apply' | 'undo';
  mergeId: string;
  survivorId: string;
  mergedIds: string[];
}


const KINDS: Record<string, Pick<MergeRequest, 'record' | 'direction'>> = {
  [CONTACT_MERGED]: { record: 'CONTACT', direction: 'apply' },
  [CONTACT_MERGE_UNDONE]: { record: 'CONTACT', direction: 'undo' },
  [ACCOUNT_MERGED]: { record: 'ACCOUNT', direction: 'apply' },
  [ACCOUNT_MERGE_UNDONE]: { record: 'ACCOUNT', direction: 'undo' },
};

export class InvalidMergeEventError extends Error {
  constructor(eventId: string, reason: string) {
    super(`Merge event ${eventId} is malformed: ${reason}`);
    this.name = 'InvalidMergeEventError';
  }
}

/** The merge an event asks for; null for events that are not merges. Throws on a malformed merge event. */
export function parseMergeEvent(event: EventEnvelope): MergeRequest | null {
  const kind = KINDS[event.type];
  if (!kind) return null;
  const payload = event.payload as Record<string, unknown>;
  const { mergeId, survivorId, mergedIds } = payload;
  if (!isUuid(mergeId)) throw new InvalidMergeEventError(event.id, 'mergeId must be a UUID');
  if (!isUuid(survivorId)) throw new InvalidMergeEventError(event.id, 'survivorId must be a UUID');
  if (!Array.isArray(mergedIds) || mergedIds.length === 0 || !mergedIds.every(isUuid)) {
    throw new InvalidMergeEventError(event.id, 'mergedIds must be a non-empty list of UUIDs');
  }
  if (mergedIds.includes(survivorId)) throw new InvalidMergeEventError(event.id, 'the survivor cannot be one of the merged records');
  return { eventId: event.id, tenantId: event.tenantId, actor: event.actor, ...kind, mergeId, survivorId, mergedIds: [...new Set(mergedIds)] };
}
