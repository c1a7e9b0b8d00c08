/** Activities as a list: what, when it is due, who does it, and a button to mark it done. */
import { useMutation } from '@apollo/client/react';
import type { ActivityItemFragment } from '../gql/graphql';
import { enumLabel } from '../lib/labels.ts';
import { useAction } from '../lib/use-action.ts';
import { CompleteActivityMutation } from '../operations.ts';
import { Link } from './link.tsx';

/** A date-time as "26 Nov 2026, 14:00" in the user's locale. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '—' : date.toLocaleString(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export interface ActivityRowProps {
  activity: ActivityItemFragment;
  /** The record the activity is about, shown as a link (on lists that mix records). */
  about?: { href: string; name: string } | undefined;
  /** Called after the activity was marked done. */
  onCompleted?: (() => void) | undefined;
}

export function ActivityRow({ activity, about, onCompleted }: ActivityRowProps) {
  const [complete] = useMutation(CompleteActivityMutation);
  const action = useAction();
  const done = Boolean(activity.completedAt);
  return (
    <li className={`activity${done ? ' done' : ''}${activity.isOverdue && !done ? ' overdue' : ''}`}>
      <div>
        <span className="badge">{enumLabel(activity.type)}</span> <strong>{activity.subject}</strong>
        {about ? (
          <>
            {' '}
            <span className="muted">on</span> <Link href={about.href}>{about.name}</Link>
          </>
        ) : null}
        <p className="muted">
          {activity.dueAt ? `Due ${formatDateTime(activity.dueAt)}` : `Logged ${formatDateTime(activity.createdAt)}`}
          {activity.assignee ? ` · ${activity.assignee.name}` : ''}
          {done ? ` · done ${formatDateTime(activity.completedAt)}` : activity.isOverdue ? ' · overdue' : ''}
        </p>
        {activity.body ? <p>{activity.body}</p> : null}
        {action.error ? (
          <p className="field-error" role="alert">
            {action.error}
          </p>
        ) : null}
      </div>
      {done ? null : (
        <button
          type="button"
          disabled={action.busy}
          onClick={() =>
            void action.run(async () => {
              await complete({ variables: { id: activity.id, expectedVersion: activity.version } });
              onCompleted?.();
            })
          }
          aria-label={`Complete ${activity.subject}`}
        >
          {action.busy ? 'Saving…' : 'Complete'}
        </button>
      )}
    </li>
  );
}
