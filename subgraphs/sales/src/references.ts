/**
 * References a write stores to records of other subgraphs (a deal's account and contacts, its
 * owner and collaborators, an activity's assignee, the users its body mentions and its contact,
 * account or lead, a quota's owner) must be
 * records of the caller's tenant: anything else is BAD_USER_INPUT naming the argument, and
 * nothing is written.
 *
 * Only the ids a write actually sets are checked, all of them in one request to the gateway
 * (`ctx.records`); a write that sets none (a move, a rename) asks nothing. Ids that are not
 * uuids are left to the input validation, and the caller's own user id needs no check.
 * Background work (lead conversion, record merges) does not pass through here: it is the
 * tenant's own work on records its events named.
 */
import { badInput, missingRecordsOfWrite, recordKey, type AppError, type ReferencedRecordType } from '@crm/runtime';
import type { Context } from './context.ts';

export interface Reference {
  type: ReferencedRecordType;
  /** Null or undefined: the write sets no such reference (or clears it). */
  id: string | null | undefined;
  /** The argument that names it, as reported in `extensions.field`. */
  field: string;
  /** What a refusal says, when not `<field> must be <a record of that type> of the tenant`. */
  refusal?: string;
}

const NAMES: Record<ReferencedRecordType, string> = { ACCOUNT: 'an account', CONTACT: 'a contact', LEAD: 'a lead', USER: 'a user' };

/** BAD_USER_INPUT: `field` names no record of that type in the tenant. */
export const refusedReference = (reference: Pick<Reference, 'type' | 'field' | 'refusal'>): AppError =>
  badInput(reference.refusal ?? `${reference.field} must be ${NAMES[reference.type]} of the tenant`, reference.field);

/** The keys (`recordKey`) of the references that are not records of the caller's tenant; one request for all of them. */
export function missingReferences(ctx: Context, references: readonly Pick<Reference, 'type' | 'id'>[]): Promise<Set<string>> {
  if (ctx.tenantId === null) return Promise.resolve(new Set());
  return missingRecordsOfWrite(ctx.records, ctx.tenantId, references, { self: ctx.identity.userId, log: ctx.log });
}

/** Refuses the write (BAD_USER_INPUT naming the first bad argument) unless every reference it sets is a record of the tenant. */
export async function checkReferences(ctx: Context, references: readonly Reference[]): Promise<void> {
  const missing = await missingReferences(ctx, references);
  const refused = references.find((reference) => reference.id && missing.has(recordKey(reference.type, reference.id)));
  if (refused) throw refusedReference(refused);
}
