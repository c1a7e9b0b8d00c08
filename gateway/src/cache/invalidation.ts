/**
 * Domain events as cache invalidations.
 *
 * An event `<domain>.<aggregate>.<verb>` of a tenant says that the `<domain>` subgraph's data of
 * that tenant changed. A sales event that names pipelines (`pipelineId`, or any payload field
 * ending in `PipelineId`) is about those pipelines only; any other event is about all of the
 * tenant's data in its subgraph. Events without a tenant, and of subgraphs whose answers are
 * never cached, change nothing.
 */
import { topicOf, type EventEnvelope } from '@crm/events';
import type { Invalidation } from './response-cache.ts';

/** Subgraphs that publish an event for every change of what they serve; only their answers are cached. */
export const EVENT_SOURCED_SUBGRAPHS = ['sales', 'customer', 'platform'] as const;

/** Topics the cache listens to: the events of those subgraphs. */
export const INVALIDATION_TOPICS: readonly string[] = EVENT_SOURCED_SUBGRAPHS.map((domain) => topicOf(domain));

/** Event types that record a read, not a change. */
const READS = /\.viewed$/;

export function invalidationOf(event: EventEnvelope, subgraphs: readonly string[] = EVENT_SOURCED_SUBGRAPHS): Invalidation | null {
  if (!event.tenantId || READS.test(event.type)) return null;
  const subgraph = event.type.split('.', 1)[0] ?? '';
  if (!subgraphs.includes(subgraph)) return null;
  if (subgraph !== 'sales') return { tenantId: event.tenantId, subgraph };
  const pipelineIds: string[] = [];
  for (const [name, value] of Object.entries(event.payload ?? {})) {
    if ((name === 'pipelineId' || name.endsWith('PipelineId')) && typeof value === 'string' && value !== '') pipelineIds.push(value);
  }
  return { tenantId: event.tenantId, subgraph, ...(pipelineIds.length ? { pipelineIds } : {}) };
}
