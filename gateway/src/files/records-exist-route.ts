/**
 * `POST /internal/records/exist` `{ tenantId, records: [{ type, id }, …] }` → `{ exists: [true|false, …] }`
 * (in the order asked): whether each record is one of the tenant's, whoever may read it. The sales
 * subgraph asks it, once per write, before it stores a reference to another subgraph's record (a
 * deal's account or contacts, a collaborator, an owner or assignee, an activity's contact, account
 * or lead), and the customer subgraph before it gives a contact, account or lead an owner, so
 * neither keeps another tenant's id.
 *
 * The question is about the tenant, not the caller: a Sales Rep may put their deal on an account
 * owned by another team (they then see the deal without the account). So the lookups run through
 * the federated query path as the tenant's administrator (`account(id:)`, `user(id:)`…, never
 * across tenants: every subgraph scopes them to the signed tenant), ten per operation (the
 * operation limits), the operations in parallel. A record in the tenant's trash does not count.
 *
 * Signed like every internal route (`createInternalRoute`): 401 without a fresh signature, 400
 * for a malformed body or more than {@link MAX_RECORDS} records. When a subgraph cannot answer,
 * the answer is `{ errors: [{ extensions.code: INTERNAL_SERVER_ERROR }] }` instead of `exists`,
 * so the asker refuses the write rather than guessing.
 */
import { createInternalRoute, isUuid, type Identity } from '@crm/runtime';
import type { RunFederated } from '../subscriptions/federated.ts';
import { RECORD_QUERIES } from './record-queries.ts';

export const RECORDS_EXIST_PATH = '/internal/records/exist';

/** Records per request at most (a batch of 100 deals with an account and an owner each fits). */
export const MAX_RECORDS = 250;

const QUERY_OF = { ...RECORD_QUERIES, USER: 'user' } as const;
export type ExistingRecordType = keyof typeof QUERY_OF;

interface RecordRef {
  type: ExistingRecordType;
  id: string;
}

/** Root fields per operation: within the gateway's default `maxRootFields` (10) and `maxAliases` (15). */
const PER_OPERATION = 10;

function parse(body: unknown): { tenantId: string; records: RecordRef[] } | null {
  if (typeof body !== 'object' || body === null) return null;
  const { tenantId, records } = body as Record<string, unknown>;
  if (typeof tenantId !== 'string' || !isUuid(tenantId) || !Array.isArray(records) || records.length > MAX_RECORDS) return null;
  const parsed: RecordRef[] = [];
  for (const record of records as unknown[]) {
    if (typeof record !== 'object' || record === null) return null;
    const { type, id } = record as Record<string, unknown>;
    if (typeof type !== 'string' || !Object.hasOwn(QUERY_OF, type) || typeof id !== 'string' || !isUuid(id)) return null;
    parsed.push({ type: type as ExistingRecordType, id });
  }
  return { tenantId, records: parsed };
}

/** The tenant's administrator, as the lookups run: a tenant-wide reader of that tenant only. */
const tenantReader = (tenantId: string): Identity => ({ tenantId, userId: null, roles: ['TENANT_ADMIN'], requestId: `records-exist-${tenantId}` });

export function createRecordsExistRoute(options: { signingSecret: string; run: () => RunFederated | undefined }) {
  return createInternalRoute<{ tenantId: string; records: RecordRef[] }>({
    path: RECORDS_EXIST_PATH,
    signingSecret: options.signingSecret,
    maxBodyBytes: 64 * 1024,
    usage: `Body must be JSON {"tenantId": "<uuid>", "records": [{"type": "${Object.keys(QUERY_OF).join('|')}", "id": "<uuid>"}, …]} with at most ${MAX_RECORDS} records`,
    parse,
    async handle({ tenantId, records }) {
      const run = options.run();
      if (!run) return { errors: [{ message: 'The gateway is not ready', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] };
      const keys = [...new Set(records.map((record) => `${record.type}:${record.id}`))];
      const found = new Set<string>();
      const chunks: string[][] = [];
      for (let start = 0; start < keys.length; start += PER_OPERATION) chunks.push(keys.slice(start, start + PER_OPERATION));
      const answers = await Promise.all(
        chunks.map(async (chunk) => {
          const fields = chunk.map((key, index) => `r${index}: ${QUERY_OF[key.split(':')[0] as ExistingRecordType]}(id: $i${index}) { id }`);
          const query = `query RecordsExist(${chunk.map((_, index) => `$i${index}: ID!`).join(', ')}) { ${fields.join(' ')} }`;
          const variables = Object.fromEntries(chunk.map((key, index) => [`i${index}`, key.split(':')[1]!]));
          const result = await run({ query, variables, operationName: 'RecordsExist' }, tenantReader(tenantId));
          if (result.errors?.length) return false;
          const data = (result.data ?? {}) as Record<string, { id?: unknown } | null | undefined>;
          chunk.forEach((key, index) => {
            if (typeof data[`r${index}`]?.id === 'string') found.add(key);
          });
          return true;
        }),
      );
      if (answers.includes(false)) return { errors: [{ message: 'The records could not be checked', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] };
      return { exists: records.map((record) => found.has(`${record.type}:${record.id}`)) };
    },
  });
}
