/**
 * One `importProgress(id)` subscription: what the subscriber asked for, and how a
 * `customer.import.progressed` event becomes the message they receive.
 *
 * `ImportProgress` is made of plain fields, all carried by the event's payload, so the selection
 * is executed over the payload itself (as for notifications) and no federated fetch is needed per
 * event. Whether the subscriber may see the import is asked once, when subscribing, through the
 * federated `importJob(id)` query as the subscriber (NOT_FOUND otherwise).
 */
import { topicOf, type EventEnvelope } from '@crm/events';
import { badInput } from '../errors.ts';
import { execute, type DocumentNode, type ExecutionResult, type GraphQLError, type GraphQLSchema } from '../graphql.ts';
import { readSubscriptionRoot, undeliverableField } from './subscription-root.ts';

export const IMPORT_PROGRESS_FIELD = 'importProgress';
/** Event type of import progress (customer outbox, topic `crm.customer.events`). */
export const IMPORT_PROGRESSED = 'customer.import.progressed';
export const CUSTOMER_EVENTS_TOPIC = topicOf('customer');
/** Asked as the subscriber before subscribing: null when they may not see the import. */
export const IMPORT_ACCESS_QUERY = 'query ImportProgressAccess($id: ID!) { importJob(id: $id) { id } }';

const DELIVERABLE_FIELDS: ReadonlySet<string> = new Set([
  '__typename',
  'id',
  'status',
  'totalRows',
  'processedRows',
  'createdCount',
  'updatedCount',
  'skippedCount',
  'failedCount',
  'failure',
]);

export interface ImportProgressPlan {
  document: DocumentNode;
  operationName: string | undefined;
  variableValues: Record<string, unknown>;
  importId: string;
  /** Same key, same messages: the printed document, operation name and variables. */
  key: string;
}

export interface ImportProgressDelivery {
  tenantId: string;
  importId: string;
  eventId: string;
  progress: Record<string, unknown>;
}

export type ImportEventReading = { kind: 'progress'; delivery: ImportProgressDelivery } | { kind: 'ignored' } | { kind: 'malformed'; reason: string };

/** Reads a validated `importProgress(id)` subscription document. */
export function planImportProgressSubscription(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
): ImportProgressPlan | readonly GraphQLError[] {
  const read = readSubscriptionRoot(schema, document, operationName, rawVariables, IMPORT_PROGRESS_FIELD);
  if (!('root' in read)) return read;
  const argument = read.root.arguments?.find((arg) => arg.name.value === 'id');
  let importId: unknown;
  if (argument?.value.kind === 'Variable') importId = read.coerced[argument.value.name.value];
  else if (argument?.value.kind === 'StringValue' || argument?.value.kind === 'IntValue') importId = argument.value.value;
  if (typeof importId !== 'string' || importId === '') return [badInput('importProgress needs the id of an import')];
  const unknown = undeliverableField(read, DELIVERABLE_FIELDS);
  if (unknown) return [badInput(`ImportProgress.${unknown.name.value} cannot be delivered live`)];
  return { document, operationName, variableValues: read.variableValues, importId: importId.toLowerCase(), key: read.key };
}

/** Reads one customer event as progress of an import. */
export function readImportEvent(event: EventEnvelope): ImportEventReading {
  if (event.type !== IMPORT_PROGRESSED) return { kind: 'ignored' };
  const id = event.payload['id'];
  if (typeof id !== 'string' || id === '' || typeof event.payload['status'] !== 'string') return { kind: 'malformed', reason: 'payload needs id and status' };
  return { kind: 'progress', delivery: { tenantId: event.tenantId, importId: id.toLowerCase(), eventId: event.id, progress: event.payload } };
}

/** The message one subscriber receives for one progress event. */
export function renderImportProgress(schema: GraphQLSchema, plan: ImportProgressPlan, progress: Record<string, unknown>): Promise<ExecutionResult> | ExecutionResult {
  return execute({
    schema,
    document: plan.document,
    operationName: plan.operationName,
    variableValues: plan.variableValues,
    rootValue: { [IMPORT_PROGRESS_FIELD]: progress },
  });
}
