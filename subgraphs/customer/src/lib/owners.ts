/**
 * The owner a write gives a contact, account or lead (and the owner of the deal a lead conversion
 * opens) must be a user of the caller's tenant: anything else is BAD_USER_INPUT naming the
 * argument, and nothing is written.
 *
 * Users live in the platform subgraph, so the owners a write names are asked in one request to the
 * gateway (`context.records`, see `gatewayRecordDirectory`), however many items a batch has. The
 * caller's own id is not asked, nor an id that is not a uuid (input validation reports it).
 */
import { badInput, missingRecordsOfWrite, recordKey, type AppError } from '@crm/runtime';
import type { Context } from '../context.ts';

/** BAD_USER_INPUT: `field` names no user of the tenant. */
export const unknownOwner = (field: string): AppError => badInput(`${field} must be a user of the tenant`, field);

/** The owners among `ownerIds` that are not users of the caller's tenant (as `recordKey`s); one request for all. */
export function missingOwners(context: Pick<Context, 'identity' | 'tenantId' | 'records' | 'log'>, ownerIds: readonly (string | null | undefined)[]): Promise<Set<string>> {
  if (context.tenantId === null) return Promise.resolve(new Set());
  return missingRecordsOfWrite(
    context.records,
    context.tenantId,
    ownerIds.map((id) => ({ type: 'USER' as const, id })),
    { self: context.identity.userId, log: context.log },
  );
}

/** Whether `ownerId` is among the `missing` owners (see {@link missingOwners}). */
export const isMissingOwner = (missing: ReadonlySet<string>, ownerId: string | null | undefined): boolean => !!ownerId && missing.has(recordKey('USER', ownerId));

/** Refuses the write (BAD_USER_INPUT on `field`) unless `ownerId`, when set, is a user of the tenant. */
export async function checkOwner(context: Pick<Context, 'identity' | 'tenantId' | 'records' | 'log'>, ownerId: string | null | undefined, field: string): Promise<void> {
  if (isMissingOwner(await missingOwners(context, [ownerId]), ownerId)) throw unknownOwner(field);
}
