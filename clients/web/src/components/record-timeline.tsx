/**
 * A record's timeline: what happened to it and around it across the product (changes, stage moves,
 * activities, deals of an account), newest first, with older entries on demand.
 */
import { useApolloClient, useQuery } from '@apollo/client/react';
import { useId, useState } from 'react';
import type { TimelinePageFragment } from '../gql/graphql';
import { describeEntry } from '../lib/timeline.ts';
import { formatDateTime } from './activity-list.tsx';
import { Empty, LoadError, Loading } from './states.tsx';
import { AccountTimelineQuery, ContactTimelineQuery, DealTimelineQuery, LeadTimelineQuery } from '../operations.ts';

export type TimelineRecord = 'deal' | 'contact' | 'account' | 'lead';

const QUERIES = {
  deal: DealTimelineQuery,
  contact: ContactTimelineQuery,
  account: AccountTimelineQuery,
  lead: LeadTimelineQuery,
} as const;

/** The timeline page of whichever record the query asked for. */
function pageOf(data: unknown, record: TimelineRecord): TimelinePageFragment | null {
  const node = (data as Record<string, { timeline?: TimelinePageFragment } | null> | undefined)?.[record];
  return node?.timeline ?? null;
}

export function RecordTimeline({ record, id }: { record: TimelineRecord; id: string }) {
  const headingId = useId();
  const client = useApolloClient();
  const { data, loading, error, refetch } = useQuery(QUERIES[record], { variables: { id }, fetchPolicy: 'cache-and-network' });
  const [older, setOlder] = useState<{ edges: TimelinePageFragment['edges']; next: TimelinePageFragment['pageInfo'] } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(null);

  const first = pageOf(data, record);
  const edges = [...(first?.edges ?? []), ...(older?.edges ?? [])];
  const pageInfo = older?.next ?? first?.pageInfo;

  async function showOlder() {
    if (!pageInfo?.endCursor) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const result = await client.query({ query: QUERIES[record], variables: { id, after: pageInfo.endCursor }, fetchPolicy: 'network-only' });
      const page = pageOf(result.data, record);
      if (page) setOlder((current) => ({ edges: [...(current?.edges ?? []), ...page.edges], next: page.pageInfo }));
    } catch (failure) {
      setMoreError(failure);
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Timeline</h2>
      {loading && !first ? <Loading>Loading the timeline…</Loading> : null}
      {error && !first ? <LoadError error={error} onRetry={() => void refetch().catch(() => undefined)} /> : null}
      {first && edges.length === 0 ? <Empty>Nothing has happened here yet. Changes and activities will show up here.</Empty> : null}
      {edges.length > 0 ? (
        <ol className="history timeline" aria-label="Timeline entries">
          {edges.map(({ node }) => (
            <li key={node.id} data-kind={node.kind}>
              {describeEntry(node)}
              <p className="muted">
                {formatDateTime(node.occurredAt)}
                {node.actor ? ` · ${node.actor.name}` : ''}
              </p>
            </li>
          ))}
        </ol>
      ) : null}
      {moreError ? <LoadError error={moreError} onRetry={() => void showOlder()} /> : null}
      {pageInfo?.hasNextPage ? (
        <button type="button" onClick={() => void showOlder()} disabled={loadingMore}>
          {loadingMore ? 'Loading…' : 'Show older'}
        </button>
      ) : null}
    </section>
  );
}
