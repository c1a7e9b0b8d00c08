/**
 * `POST /internal/records/readable` `{ recordType, recordId }` → `{ readable }`: whether the caller
 * named in the gateway-signed identity header may read a record, decided by running the record's
 * own query (`deal(id:)`, `contact(id:)`…) through the federated query path as that caller, so
 * tenancy and role scopes are exactly those of any query. The platform asks it before it issues
 * an attachment upload URL or deletes an attachment. 401 without a valid, fresh signature (only
 * the platform and the gateway hold the secret); clients' identity headers never get this far
 * with a valid signature.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { IDENTITY_HEADER, sendJson, verifyIdentity } from '@crm/runtime';
import type { RunFederated } from '../subscriptions/federated.ts';
import { RECORD_QUERIES } from './record-queries.ts';

export const RECORDS_READABLE_PATH = '/internal/records/readable';

const QUERY_OF = RECORD_QUERIES;
type RecordType = keyof typeof QUERY_OF;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const problem = (code: string, message: string) => ({ errors: [{ message, extensions: { code } }] });

async function readSmallJson(req: IncomingMessage, limit = 1024): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += (chunk as Buffer).toString('utf8');
    if (text.length > limit) return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function createRecordAccessRoute(options: { signingSecret: string; run: () => RunFederated | undefined }) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== RECORDS_READABLE_PATH) return false;
    if (req.method !== 'POST') {
      sendJson(res, 405, problem('BAD_REQUEST', 'Use POST'), { allow: 'POST' });
      return true;
    }
    const raw = req.headers[IDENTITY_HEADER];
    const identity = verifyIdentity(Array.isArray(raw) ? raw[0] : raw, options.signingSecret);
    if (!identity) {
      sendJson(res, 401, problem('UNAUTHENTICATED', 'Requests must come from a CRM service'));
      return true;
    }
    const body = (await readSmallJson(req)) as { recordType?: unknown; recordId?: unknown } | undefined;
    const recordType = typeof body?.recordType === 'string' && Object.hasOwn(QUERY_OF, body.recordType) ? (body.recordType as RecordType) : null;
    const recordId = typeof body?.recordId === 'string' && UUID.test(body.recordId) ? body.recordId : null;
    if (!recordType || !recordId) {
      sendJson(res, 400, problem('BAD_USER_INPUT', `Body must be JSON {"recordType": "${Object.keys(QUERY_OF).join('|')}", "recordId": "<uuid>"}`));
      return true;
    }
    const run = options.run();
    if (!run || !identity.tenantId) {
      sendJson(res, 200, { readable: false }, { 'cache-control': 'no-store' });
      return true;
    }
    const result = await run({ query: `query RecordReadable($id: ID!) { record: ${QUERY_OF[recordType]}(id: $id) { id } }`, variables: { id: recordId }, operationName: 'RecordReadable' }, identity);
    const record = (result.data as { record?: { id?: unknown } | null } | null)?.record;
    sendJson(res, 200, { readable: typeof record?.id === 'string' }, { 'cache-control': 'no-store' });
    return true;
  };
}
