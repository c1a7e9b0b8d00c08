/**
 * Whether the caller may read a record of another subgraph (a deal, a contact…), decided by the
 * record's own subgraph: the platform asks the gateway, as the caller, through the gateway's
 * `POST /internal/records/readable` route, which runs `deal(id:)` (or `contact`, …) through the
 * federated query path with the caller's identity. So the rules are exactly those of any query.
 */
import { IDENTITY_HEADER, signIdentity, type Identity } from '@crm/runtime';

export const RECORD_TYPES = ['CONTACT', 'ACCOUNT', 'LEAD', 'DEAL', 'ACTIVITY'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export const RECORDS_READABLE_PATH = '/internal/records/readable';

export interface RecordAccess {
  canRead(identity: Identity, recordType: RecordType, recordId: string): Promise<boolean>;
}

export class RecordAccessUnavailable extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RecordAccessUnavailable';
  }
}

/** Asks the gateway at `gatewayUrl` (its origin; e.g. `http://gateway:4000`). */
export function gatewayRecordAccess(options: { gatewayUrl: string; signingSecret: string; timeoutMs?: number }): RecordAccess {
  const url = new URL(RECORDS_READABLE_PATH, options.gatewayUrl).toString();
  return {
    async canRead(identity, recordType, recordId) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: signIdentity(identity, options.signingSecret) },
          body: JSON.stringify({ recordType, recordId }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
        });
      } catch (error) {
        throw new RecordAccessUnavailable(`${url} could not be reached`, { cause: error });
      }
      if (!response.ok) throw new RecordAccessUnavailable(`${url} answered ${response.status}`);
      const answer = (await response.json().catch(() => null)) as { readable?: unknown } | null;
      return answer?.readable === true;
    },
  };
}

/** Without a gateway to ask (misconfiguration), nothing is readable: uploads are refused, never let through. */
export const noRecordAccess: RecordAccess = { canRead: async () => false };
