/**
 * The owner a write gives a contact, account or lead (and the owner of the deal a lead conversion
 * opens) must be a user of the caller's tenant: anything else is BAD_USER_INPUT naming the
 * argument, and nothing is written.
 *
 * Users live in the platform subgraph, so the owners a write names are asked in one request to the
 * gateway (`context.records`, see `gatewayRecordDirectory`), however many items a batch has. The
 * caller's own id is not asked, nor an id that is not a uuid (input validation reports it).
 */
import { AppError, badInput, ErrorCode, isUuid, RecordDirectoryUnavailable } from '@crm/runtime';
import type { Context } from '../context.ts';

/** BAD_USER_INPUT: `field` names no user of the tenant. */
export const unknownOwner = (field: string): AppError => badInput(`${field} must be a user of the tenant`, field);

/** The owner ids among `ownerIds` that are not users of the caller's tenant (lower-cased); one request for all. */
export async function missingOwners(context: Pick<Context, 'identity' | 'tenantId' | 'records' | 'log'>, ownerIds: readonly (string | null | undefined)[]): Promise<Set<string>> {
  if (context.tenantId === null) return new Set();
  const self = context.identity.userId?.toLowerCase();
  const wanted = [...new Set(ownerIds.filter((id): id is string => !!id && isUuid(id)).map((id) => id.toLowerCase()))].filter((id) => id !== self);
  if (wanted.length === 0) return new Set();
  try {
    const missing = await context.records.missing(
      context.tenantId,
      wanted.map((id) => ({ type: 'USER' as const, id })),
    );
    return new Set(missing.map((record) => record.id.toLowerCase()));
  } catch (error) {
    if (!(error instanceof RecordDirectoryUnavailable)) throw error;
    context.log.warn({ err: error }, 'owners could not be checked');
    throw new AppError(ErrorCode.INTERNAL_SERVER_ERROR, 'The owner could not be checked; retry shortly');
  }
}

/** Whether `ownerId` is among the `missing` owners (see {@link missingOwners}). */
export const isMissingOwner = (missing: ReadonlySet<string>, ownerId: string | null | undefined): boolean => !!ownerId && missing.has(ownerId.toLowerCase());

/** Refuses the write (BAD_USER_INPUT on `field`) unless `ownerId`, when set, is a user of the tenant. */
export async function checkOwner(context: Pick<Context, 'identity' | 'tenantId' | 'records' | 'log'>, ownerId: string | null | undefined, field: string): Promise<void> {
  if (isMissingOwner(await missingOwners(context, [ownerId]), ownerId)) throw unknownOwner(field);
}
