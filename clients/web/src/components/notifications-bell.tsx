/**
 * The header's notifications bell: the unread count as a badge, live over `notificationReceived`,
 * and a panel with the latest notifications. Opening one marks it read and goes to its record;
 * "Mark all read" clears the badge. Escape or a click outside closes the panel.
 */
import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { useEffect, useId, useRef, useState } from 'react';
import type { NotificationItemFragment } from '../gql/graphql';
import { formatDate } from '../lib/labels.ts';
import { badgeText, markRead, receive, recordHref, type BellState } from '../lib/notifications.ts';
import { navigate } from '../lib/route.ts';
import {
  MarkAllNotificationsReadMutation,
  MarkNotificationsReadMutation,
  NotificationReceivedSubscription,
  NotificationsQuery,
} from '../operations.ts';

/** Notifications the panel lists (the query asks for as many). */
const SHOWN = 15;

export function NotificationsBell() {
  const { data } = useQuery(NotificationsQuery, { fetchPolicy: 'cache-and-network' });
  const [state, setState] = useState<BellState<NotificationItemFragment>>({ items: [], unread: 0 });
  const [open, setOpen] = useState(false);
  const [markSome] = useMutation(MarkNotificationsReadMutation);
  const [markAll, markingAll] = useMutation(MarkAllNotificationsReadMutation);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (data) setState({ items: data.notifications.edges.map((edge) => edge.node), unread: data.unreadNotificationCount });
  }, [data]);

  useSubscription(NotificationReceivedSubscription, {
    fetchPolicy: 'no-cache',
    onData: ({ data: result }) => {
      const incoming = result.data?.notificationReceived;
      if (incoming) setState((current) => receive(current, incoming, SHOWN));
    },
  });

  useEffect(() => {
    if (!open) return undefined;
    const close = (event: Event) => {
      if (event instanceof KeyboardEvent ? event.key === 'Escape' : !root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', close);
    document.addEventListener('mousedown', close);
    return () => {
      document.removeEventListener('keydown', close);
      document.removeEventListener('mousedown', close);
    };
  }, [open]);

  async function openItem(item: NotificationItemFragment) {
    setOpen(false);
    if (!item.read) {
      setState((current) => markRead(current, new Set([item.id])));
      await markSome({ variables: { ids: [item.id] } }).catch(() => undefined);
    }
    const href = recordHref(item.recordType, item.recordId);
    if (href) navigate(href);
  }

  async function readAll() {
    await markAll();
    // Everything is read now, including notifications older than the ones listed.
    setState((current) => ({ ...markRead(current, new Set(current.items.map((item) => item.id))), unread: 0 }));
  }

  const badge = badgeText(state.unread);
  return (
    <div className="bell" ref={root}>
      <button
        type="button"
        className="bell-button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={state.unread ? `Notifications, ${state.unread} unread` : 'Notifications'}
        onClick={() => setOpen((value) => !value)}
      >
        <svg className="bell-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
          <path
            fill="currentColor"
            d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
          />
        </svg>
        {badge ? (
          <span className="bell-count" data-testid="unread-count" aria-hidden="true">
            {badge}
          </span>
        ) : null}
      </button>
      {open ? (
        <div className="bell-panel card" id={panelId} role="region" aria-label="Notifications">
          <div className="bell-panel-header">
            <h2>Notifications</h2>
            <button type="button" onClick={() => void readAll().catch(() => undefined)} disabled={markingAll.loading || state.unread === 0}>
              Mark all read
            </button>
          </div>
          {state.items.length === 0 ? (
            <p className="muted">Nothing yet. You are told here when a deal is assigned to you or won.</p>
          ) : (
            <ul className="bell-list">
              {state.items.map((item) => (
                <li key={item.id} className={item.read ? 'read' : 'unread'}>
                  <button type="button" onClick={() => void openItem(item)}>
                    <strong>{item.title}</strong>
                    <span>{item.body}</span>
                    <span className="muted">{formatDate(item.createdAt)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : null}
    </div>
  );
}
