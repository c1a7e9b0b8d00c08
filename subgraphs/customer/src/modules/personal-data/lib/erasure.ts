/**
 * The GDPR erasure saga's events and rules, for both kinds of subject: a contact or a user.
 * The customer subgraph asks with `customer.contact.erasure_requested` {erasureId, contactId} or
 * `customer.user.erasure_requested` {erasureId, userId, transferRecordsTo}; each other subgraph
 * answers with `<subgraph>.personal_data.erased` {erasureId, erased: {<kind>: count}}; the erasure
 * is complete when every subgraph in {@link ERASING_SUBGRAPHS} has answered.
 */
import { isUuid } from '@crm/runtime';

export const ERASURE_REQUESTED = 'customer.contact.erasure_requested';
export const ERASURE_COMPLETED = 'customer.contact.erasure_completed';
export const USER_ERASURE_REQUESTED = 'customer.user.erasure_requested';
export const USER_ERASURE_COMPLETED = 'customer.user.erasure_completed';

/** Whose personal data an erasure or export is about. */
export type SubjectKind = 'CONTACT' | 'USER';
export interface ErasureSubject {
  kind: SubjectKind;
  id: string;
}

/** The subject an erasure row names (`subjectType` with `contactId` or `userId`). */
export function subjectOf(erasure: { subjectType: string; contactId: string | null; userId: string | null }): ErasureSubject {
  return erasure.subjectType === 'USER' ? { kind: 'USER', id: erasure.userId ?? '' } : { kind: 'CONTACT', id: erasure.contactId ?? '' };
}

/** The subject of `(contactId, userId)` arguments: exactly one of them. */
export function subjectOfArguments(contactId: string | null | undefined, userId: string | null | undefined): ErasureSubject | null {
  if (contactId && !userId) return { kind: 'CONTACT', id: contactId };
  if (userId && !contactId) return { kind: 'USER', id: userId };
  return null;
}

/** Subgraphs that hold personal data of contacts and users besides this one (the same for both kinds). */
export const ERASING_SUBGRAPHS = ['sales', 'platform'] as const;
export type ErasingSubgraph = (typeof ERASING_SUBGRAPHS)[number];

/** Name and surname an erased contact keeps (they are required fields). */
export const ERASED_NAME = { firstName: 'Erased', lastName: 'contact' } as const;

export interface ErasureReport {
  erased: Record<string, number>;
  reportedAt: string;
}

export interface ErasureAnswer {
  subgraph: ErasingSubgraph;
  erasureId: string;
  erased: Record<string, number>;
}

/** The answer an event carries; null for events that are not erasure answers (or malformed ones). */
export function erasureAnswerOf(event: { type: string; payload: Record<string, unknown> }): ErasureAnswer | null {
  const [domain, aggregate, verb] = event.type.split('.');
  if (aggregate !== 'personal_data' || verb !== 'erased') return null;
  const subgraph = ERASING_SUBGRAPHS.find((name) => name === domain);
  const { erasureId, erased } = event.payload;
  if (!subgraph || !isUuid(erasureId)) return null;
  const counts: Record<string, number> = {};
  if (erased !== null && typeof erased === 'object') {
    for (const [kind, count] of Object.entries(erased)) if (typeof count === 'number' && Number.isFinite(count)) counts[kind] = count;
  }
  return { subgraph, erasureId: erasureId.toLowerCase(), erased: counts };
}

/** The reports stored on an erasure (a JSON object keyed by subgraph). */
export function reportsOf(value: unknown): Record<string, ErasureReport> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, ErasureReport>) : {};
}

/** Subgraphs still to answer, given the reports so far. */
export function waitingFor(reports: Record<string, unknown>): ErasingSubgraph[] {
  return ERASING_SUBGRAPHS.filter((subgraph) => !(subgraph in reports));
}
