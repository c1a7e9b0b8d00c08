/**
 * A deal's activities, open ones first, and forms to log a call (recorded as done), schedule a
 * meeting or add a task, assigned to the signed-in user unless someone else is chosen.
 */
import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { ActivityRow } from '../activity-list.tsx';
import { FormErrors, FormField, SelectField, textOf } from '../form-field.tsx';
import { Empty } from '../states.tsx';
import type { ActivityItemFragment, ActivityType } from '../../gql/graphql';
import { fieldErrorsOf, NO_FIELD_ERRORS, type FieldErrors } from '../../lib/field-errors.ts';
import { CompleteActivityMutation, CreateActivityMutation, UserOptionsQuery } from '../../operations.ts';

const ACTIVITY_FIELDS = ['subject', 'body', 'dueAt', 'assigneeId'] as const;

const KINDS = {
  CALL: { button: 'Log a call', title: 'Log a call', submit: 'Log call', due: false },
  MEETING: { button: 'Schedule a meeting', title: 'Schedule a meeting', submit: 'Schedule meeting', due: true },
  TASK: { button: 'Add a task', title: 'Add a task', submit: 'Add task', due: true },
} as const satisfies Partial<Record<ActivityType, unknown>>;
type Kind = keyof typeof KINDS;

/** A `datetime-local` value (local time) as an ISO instant; null when empty or unreadable. */
export function instantOf(local: string | null): string | null {
  if (!local) return null;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export interface DealActivitiesProps {
  dealId: string;
  activities: readonly ActivityItemFragment[];
  currentUserId: string;
  reload: () => Promise<unknown>;
}

export function DealActivities({ dealId, activities, currentUserId, reload }: DealActivitiesProps) {
  const [kind, setKind] = useState<Kind | null>(null);
  const open = activities.filter((a) => !a.completedAt);
  const done = activities.filter((a) => a.completedAt);
  return (
    <section className="card" aria-labelledby="deal-activities">
      <h2 id="deal-activities">Activities</h2>
      <div className="actions">
        {(Object.keys(KINDS) as Kind[]).map((k) => (
          <button key={k} type="button" aria-pressed={kind === k} onClick={() => setKind(kind === k ? null : k)}>
            {KINDS[k].button}
          </button>
        ))}
      </div>
      {kind ? (
        <ActivityForm
          key={kind}
          kind={kind}
          dealId={dealId}
          currentUserId={currentUserId}
          onDone={() => {
            setKind(null);
            void reload().catch(() => undefined);
          }}
          onCancel={() => setKind(null)}
        />
      ) : null}
      {activities.length === 0 ? <Empty>Nothing logged or planned yet. Log a call, schedule a meeting or add a task.</Empty> : null}
      {open.length > 0 ? (
        <ul className="activities" aria-label="Open activities">
          {open.map((a) => (
            <ActivityRow key={a.id} activity={a} />
          ))}
        </ul>
      ) : null}
      {done.length > 0 ? (
        <>
          <h3>Done</h3>
          <ul className="activities" aria-label="Done activities">
            {done.map((a) => (
              <ActivityRow key={a.id} activity={a} />
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

function ActivityForm({ kind, dealId, currentUserId, onDone, onCancel }: { kind: Kind; dealId: string; currentUserId: string; onDone: () => void; onCancel: () => void }) {
  const [create, { loading }] = useMutation(CreateActivityMutation);
  const [complete] = useMutation(CompleteActivityMutation);
  const users = useQuery(UserOptionsQuery);
  const [errors, setErrors] = useState<FieldErrors>(NO_FIELD_ERRORS);
  const spec = KINDS[kind];

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const dueText = textOf(form, 'dueAt');
    const dueAt = instantOf(dueText);
    if (spec.due && dueText && !dueAt) return setErrors({ byField: { dueAt: 'Enter a date and time.' }, general: [] });
    try {
      const { data } = await create({
        variables: {
          input: { type: kind, recordType: 'DEAL', recordId: dealId, subject: textOf(form, 'subject') ?? '', body: textOf(form, 'body'), dueAt, assigneeId: textOf(form, 'assigneeId') ?? currentUserId },
        },
      });
      // A logged call has happened: it is recorded as done.
      if (data && kind === 'CALL') await complete({ variables: { id: data.createActivity.id, expectedVersion: data.createActivity.version } });
      onDone();
    } catch (error) {
      setErrors(fieldErrorsOf(error, ACTIVITY_FIELDS));
    }
  }

  const assignees = (users.data?.users ?? []).filter((u) => u.active).map((u) => ({ value: u.id, label: u.id === currentUserId ? `${u.name} (me)` : u.name }));
  return (
    <form className="create-form" onSubmit={onSubmit} aria-label={spec.title} noValidate>
      <h3>{spec.title}</h3>
      <div className="form-grid">
        <FormField label="Subject" name="subject" autoComplete="off" error={errors.byField.subject} autoFocus />
        {spec.due ? <FormField label={kind === 'MEETING' ? 'When' : 'Due'} name="dueAt" type="datetime-local" error={errors.byField.dueAt} /> : null}
        {spec.due && assignees.length > 0 ? <SelectField label="Assignee" name="assigneeId" defaultValue={currentUserId} options={assignees} error={errors.byField.assigneeId} /> : null}
        <FormField label="Notes" name="body" autoComplete="off" error={errors.byField.body} />
      </div>
      <FormErrors messages={errors.general} />
      <div className="actions">
        <button type="submit" className="primary" disabled={loading}>
          {loading ? 'Saving…' : spec.submit}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
