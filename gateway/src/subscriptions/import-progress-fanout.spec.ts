import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEvent, type EventEnvelope } from '@crm/events';
import { createLogger } from '@crm/runtime';
import { buildSchema, parse, type ExecutionResult, type GraphQLError } from '../graphql.ts';
import { EventQueue } from './event-queue.ts';
import { ImportProgressFanout } from './import-progress-fanout.ts';
import { planImportProgressSubscription, type ImportProgressPlan } from './import-progress.ts';

const schema = buildSchema(/* GraphQL */ `
  enum ImportStatus { UPLOADED QUEUED RUNNING COMPLETED FAILED UNDONE }
  type ImportProgress { id: ID! status: ImportStatus! totalRows: Int! processedRows: Int! createdCount: Int! updatedCount: Int! skippedCount: Int! failedCount: Int! failure: String }
  type Query { ok: Boolean }
  type Subscription { importProgress(id: ID!): ImportProgress! }
`);
const SELECTION = 'subscription ($id: ID!) { importProgress(id: $id) { __typename id status done: processedRows } }';

const progressEvent = (tenantId: string, id: string, processedRows: number): EventEnvelope =>
  createEvent({
    type: 'customer.import.progressed',
    tenantId,
    actor: { userId: randomUUID(), kind: 'user' },
    aggregateId: id,
    payload: { id, status: 'RUNNING', createdById: null, totalRows: 10, processedRows, createdCount: 0, updatedCount: 0, skippedCount: 0, failedCount: 0, failure: null },
  });

function subscriber(fanout: ImportProgressFanout, tenantId: string, importId: string) {
  const plan = planImportProgressSubscription(schema, parse(SELECTION), undefined, { id: importId.toUpperCase() }) as ImportProgressPlan;
  const queue = new EventQueue<ExecutionResult>({ pending: 0, limit: 100, onOverflow: () => {} }, () => remove());
  const remove = fanout.registry.add({ tenantId, plan, schema, queue });
  return async () => {
    const received: ExecutionResult[] = [];
    for (;;) {
      const next = await Promise.race([queue.next(), new Promise<null>((r) => setImmediate(() => r(null)))]);
      if (!next || next.done) return received;
      received.push(next.value);
    }
  };
}

describe('importProgress', () => {
  it('delivers an import’s progress to its subscribers only, never across tenants', async () => {
    const fanout = new ImportProgressFanout(createLogger('import-test', 'silent'));
    const [tenant, other, importId] = [randomUUID(), randomUUID(), randomUUID()];
    const mine = subscriber(fanout, tenant, importId);
    const otherTenant = subscriber(fanout, other, importId);
    const otherImport = subscriber(fanout, tenant, randomUUID());
    expect(await fanout.deliver(progressEvent(tenant, importId, 4))).toBe(1);
    expect(await mine()).toEqual([{ data: { importProgress: { __typename: 'ImportProgress', id: importId, status: 'RUNNING', done: 4 } } }]);
    expect(await otherTenant()).toEqual([]);
    expect(await otherImport()).toEqual([]);
  });

  it('refuses a subscription without an id or with a field the event does not carry', () => {
    const noId = planImportProgressSubscription(schema, parse('subscription ($id: ID!) { importProgress(id: $id) { id } }'), undefined, {}) as readonly GraphQLError[];
    expect(noId[0]!.extensions['code']).toBe('BAD_USER_INPUT');
    const unknown = planImportProgressSubscription(
      buildSchema('type Query { ok: Boolean } type P { id: ID! extra: Int } type Subscription { importProgress(id: ID!): P! }'),
      parse('subscription { importProgress(id: "x") { id extra } }'),
      undefined,
      {},
    ) as readonly GraphQLError[];
    expect(unknown[0]!.message).toBe('ImportProgress.extra cannot be delivered live');
  });
});
