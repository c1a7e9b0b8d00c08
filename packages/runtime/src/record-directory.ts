/**
 * Whether records of other subgraphs (accounts, contacts and leads of the customer subgraph, users
 * of the platform) are the tenant's, before a subgraph stores a reference to them (sales: a deal's
 * account, contacts and people; customer: a record's owner).
 *
 * The subgraph asks the gateway's `POST /internal/records/exist` (signed with the shared secret, like
 * every internal route): one request per write, however many records it names; the gateway looks
 * them up through the federated query path within the tenant. The rule is "a record of the
 * tenant", not "a record the caller may read": a Sales Rep may put their deal on an account of
 * another team. Without a gateway to ask (misconfiguration) every reference is refused, never let
 * through.
 */
import { AppError, ErrorCode } from './errors.ts';
import { isUuid } from './ids.ts';
import { callInternalRoute, InternalRouteError } from './internal-route.ts';
import type { Logger } from './logger.ts';

export const RECORDS_EXIST_PATH = '/internal/records/exist';

export type ReferencedRecordType = 'ACCOUNT' | 'CONTACT' | 'LEAD' | 'USER';

export interface RecordRef {
  type: ReferencedRecordType;
  id: string;
}

export interface RecordDirectory {
  /** The records among `records` that are not the tenant's. Throws `RecordDirectoryUnavailable` when it cannot tell. */
  missing(tenantId: string, records: readonly RecordRef[]): Promise<RecordRef[]>;
}

export class RecordDirectoryUnavailable extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RecordDirectoryUnavailable';
  }
}

export interface GatewayRecordDirectoryOptions {
  /** The gateway's origin (e.g. `http://gateway:4000`), or a function giving it. */
  gatewayUrl: string | (() => string);
  /** HMAC secret shared with the gateway and the subgraphs. */
  signingSecret: string;
  /** Timeout of one check, ms. Default 5 000. */
  timeoutMs?: number;
  /** Who asks, as named in the signed request (e.g. `sales-record-references`). */
  requester: string;
}

/** Asks the gateway at `gatewayUrl`. */
export function gatewayRecordDirectory(options: GatewayRecordDirectoryOptions): RecordDirectory {
  return {
    async missing(tenantId, records) {
      if (records.length === 0) return [];
      const origin = typeof options.gatewayUrl === 'function' ? options.gatewayUrl() : options.gatewayUrl;
      let answer: unknown;
      try {
        answer = await callInternalRoute(new URL(RECORDS_EXIST_PATH, origin).toString(), options.signingSecret, { tenantId, records }, {
          requester: options.requester,
          timeoutMs: options.timeoutMs ?? 5_000,
        });
      } catch (error) {
        if (error instanceof InternalRouteError) throw new RecordDirectoryUnavailable(error.message, { cause: error });
        throw error;
      }
      const exists = (answer as { exists?: unknown } | undefined)?.exists;
      if (!Array.isArray(exists) || exists.length !== records.length || !exists.every((value) => typeof value === 'boolean')) {
        throw new RecordDirectoryUnavailable('the gateway could not check the records');
      }
      return records.filter((_, index) => exists[index] !== true);
    },
  };
}

/** Without a gateway to ask (misconfiguration): no record is known, so every reference is refused. */
export const noRecordDirectory: RecordDirectory = { missing: async (_tenantId, records) => [...records] };

/** A record's key in the sets {@link missingRecords} answers with: `USER:<id in lower case>`. */
export const recordKey = (type: ReferencedRecordType, id: string): string => `${type}:${id.toLowerCase()}`;

/**
 * The keys ({@link recordKey}) of the records among `records` that are not the tenant's, in one
 * question to `directory`, each record asked once (its id in lower case). Not asked: empty ids, ids that are not uuids
 * (input validation reports them) and the user `self` (the caller). Throws
 * `RecordDirectoryUnavailable` when the directory cannot tell.
 */
export async function missingRecords(
  directory: RecordDirectory,
  tenantId: string,
  records: readonly { type: ReferencedRecordType; id: string | null | undefined }[],
  self?: string | null,
): Promise<Set<string>> {
  const wanted = new Map<string, RecordRef>();
  for (const { type, id } of records) {
    if (!id || !isUuid(id) || (type === 'USER' && self && id.toLowerCase() === self.toLowerCase())) continue;
    wanted.set(recordKey(type, id), { type, id: id.toLowerCase() });
  }
  if (wanted.size === 0) return new Set();
  const missing = await directory.missing(tenantId, [...wanted.values()]);
  return new Set(missing.map((record) => recordKey(record.type, record.id)));
}

/**
 * {@link missingRecords} for a request's write: when the directory cannot answer, the write fails
 * with INTERNAL_SERVER_ERROR (masked for the client, the cause logged) rather than guessing.
 */
export async function missingRecordsOfWrite(
  directory: RecordDirectory,
  tenantId: string,
  records: readonly { type: ReferencedRecordType; id: string | null | undefined }[],
  caller: { self: string | null | undefined; log: Logger },
): Promise<Set<string>> {
  try {
    return await missingRecords(directory, tenantId, records, caller.self);
  } catch (error) {
    if (!(error instanceof RecordDirectoryUnavailable)) throw error;
    caller.log.warn({ err: error }, 'referenced records could not be checked');
    throw new AppError(ErrorCode.INTERNAL_SERVER_ERROR, 'The referenced records could not be checked; retry shortly');
  }
}
