/**
 * Users and teams of the tenant: invite someone (role and team), change a user's built-in role
 * and custom roles (defined under "Roles"; not one's own built-in role), deactivate or reactivate
 * a user, create a team and move users between teams.
 */
import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { FormErrors, FormField, SelectField, textOf } from '../form-field.tsx';
import { Empty, LoadError, Loading } from '../states.tsx';
import type { Role, SettingsUserFragment } from '../../gql/graphql';
import { fieldErrorsOf, NO_FIELD_ERRORS, type FieldErrors } from '../../lib/field-errors.ts';
import { enumLabel, formatDate } from '../../lib/labels.ts';
import { useAction } from '../../lib/use-action.ts';
import { AssignUserToTeamMutation, CreateTeamMutation, DeactivateUserMutation, InviteUserMutation, ReactivateUserMutation, RolesQuery, SetUserRolesMutation, UsersAndTeamsQuery } from '../../operations.ts';

/** The roles a tenant admin can give. */
export const TENANT_ROLES: readonly Role[] = ['SALES_REP', 'SALES_MANAGER', 'TENANT_ADMIN'];
export const ROLE_OPTIONS = TENANT_ROLES.map((r) => ({ value: r, label: enumLabel(r) }));
const INVITE_FIELDS = ['email', 'name', 'role', 'teamId'] as const;

export function UsersSettings({ currentUserId }: { currentUserId: string }) {
  const { data, loading, error, refetch } = useQuery(UsersAndTeamsQuery, { fetchPolicy: 'cache-and-network' });
  const roles = useQuery(RolesQuery, { fetchPolicy: 'cache-and-network' });
  const customRoles = (roles.data?.roles ?? []).flatMap((role) => (role.builtIn ? [] : [{ id: role.id, name: role.name }]));
  const reload = () => void refetch().catch(() => undefined);
  if (loading && !data) return <Loading>Loading users…</Loading>;
  if (error && !data) return <LoadError error={error} onRetry={reload} />;
  const users = data?.users ?? [];
  const teams = data?.teams ?? [];
  const invitations = data?.invitations ?? [];
  const teamOptions = [{ value: '', label: 'No team' }, ...teams.map((t) => ({ value: t.id, label: t.name }))];

  return (
    <>
      <section className="card" aria-labelledby="users-heading">
        <h2 id="users-heading">Users</h2>
        <div className="table-scroll">
          <table className="records">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Custom roles</th>
                <th scope="col">Team</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <UserRow key={u.id} user={u} teamOptions={teamOptions} customRoles={customRoles} isSelf={u.id === currentUserId} />
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <div className="record-grid">
        <InviteForm teamOptions={teamOptions} onInvited={reload} />
        <section className="card" aria-labelledby="invitations-heading">
          <h2 id="invitations-heading">Pending invitations</h2>
          {invitations.length === 0 ? (
            <Empty>No pending invitations.</Empty>
          ) : (
            <ul className="related">
              {invitations.map((i) => (
                <li key={i.id}>
                  {i.name} <span className="muted">· {i.email} · {enumLabel(i.role)}{i.team ? ` · ${i.team.name}` : ''} · expires {formatDate(i.expiresAt)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <TeamsSection teams={teams} users={users} onCreated={reload} />
    </>
  );
}

interface CustomRoleOption {
  id: string;
  name: string;
}

function UserRow({ user, teamOptions, customRoles, isSelf }: { user: SettingsUserFragment; teamOptions: Array<{ value: string; label: string }>; customRoles: readonly CustomRoleOption[]; isSelf: boolean }) {
  const [setRoles] = useMutation(SetUserRolesMutation, { refetchQueries: [RolesQuery] });
  const [deactivate] = useMutation(DeactivateUserMutation);
  const [reactivate] = useMutation(ReactivateUserMutation);
  const [assign] = useMutation(AssignUserToTeamMutation, { refetchQueries: [UsersAndTeamsQuery] });
  const action = useAction();
  return (
    <tr>
      <th scope="row">
        {user.name}
        {isSelf ? <span className="muted"> (you)</span> : null}
      </th>
      <td>{user.email}</td>
      <td>
        {isSelf ? (
          enumLabel(user.role)
        ) : (
          <select
            aria-label={`Role of ${user.name}`}
            value={user.role}
            disabled={action.busy}
            onChange={(e) => void action.run(() => setRoles({ variables: { userId: user.id, role: e.target.value as Role } }))}
          >
            {ROLE_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        )}
      </td>
      <td>
        <CustomRolesPicker user={user} customRoles={customRoles} busy={action.busy} onChange={(ids) => void action.run(() => setRoles({ variables: { userId: user.id, customRoleIds: ids } }))} />
      </td>
      <td>
        <select
          aria-label={`Team of ${user.name}`}
          value={user.team?.id ?? ''}
          disabled={action.busy}
          onChange={(e) => void action.run(() => assign({ variables: { userId: user.id, teamId: e.target.value || null } }))}
        >
          {teamOptions.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </td>
      <td>{user.active ? 'Active' : <span className="badge">Deactivated</span>}</td>
      <td>
        {isSelf ? null : user.active ? (
          <button type="button" disabled={action.busy} onClick={() => void action.run(() => deactivate({ variables: { id: user.id } }))} aria-label={`Deactivate ${user.name}`}>
            Deactivate
          </button>
        ) : (
          <button type="button" disabled={action.busy} onClick={() => void action.run(() => reactivate({ variables: { id: user.id } }))} aria-label={`Reactivate ${user.name}`}>
            Reactivate
          </button>
        )}
        {action.error ? (
          <p className="field-error" role="alert">
            {action.error}
          </p>
        ) : null}
      </td>
    </tr>
  );
}

/** One checkbox per custom role of the tenant; a change sets the user's custom roles at once. */
function CustomRolesPicker({ user, customRoles, busy, onChange }: { user: SettingsUserFragment; customRoles: readonly CustomRoleOption[]; busy: boolean; onChange: (ids: string[]) => void }) {
  if (customRoles.length === 0) return <span className="muted">None defined</span>;
  const held = new Set(user.customRoles.map((role) => role.id));
  return (
    <fieldset className="checkbox-list">
      <legend className="visually-hidden">Custom roles of {user.name}</legend>
      {customRoles.map((role) => (
        <label key={role.id}>
          <input
            type="checkbox"
            checked={held.has(role.id)}
            disabled={busy}
            aria-label={`${role.name} for ${user.name}`}
            onChange={(e) => onChange(customRoles.filter((r) => (r.id === role.id ? e.target.checked : held.has(r.id))).map((r) => r.id))}
          />{' '}
          {role.name}
        </label>
      ))}
    </fieldset>
  );
}

function InviteForm({ teamOptions, onInvited }: { teamOptions: Array<{ value: string; label: string }>; onInvited: () => void }) {
  const [invite, { loading }] = useMutation(InviteUserMutation);
  const [errors, setErrors] = useState<FieldErrors>(NO_FIELD_ERRORS);
  const [sent, setSent] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setSent(null);
    try {
      const { data } = await invite({
        variables: { input: { email: textOf(form, 'email') ?? '', name: textOf(form, 'name') ?? '', role: (textOf(form, 'role') ?? 'SALES_REP') as Role, teamId: textOf(form, 'teamId') } },
      });
      setErrors(NO_FIELD_ERRORS);
      formElement.reset();
      if (data) setSent(`Invitation sent to ${data.inviteUser.email}.`);
      onInvited();
    } catch (error) {
      setErrors(fieldErrorsOf(error, INVITE_FIELDS));
    }
  }

  return (
    <form className="card create-form" onSubmit={onSubmit} aria-label="Invite a user" noValidate>
      <h2>Invite a user</h2>
      <div className="form-grid">
        <FormField label="Name" name="name" autoComplete="off" error={errors.byField.name} />
        <FormField label="Email" name="email" type="email" autoComplete="off" error={errors.byField.email} />
        <SelectField label="Role" name="role" options={ROLE_OPTIONS} error={errors.byField.role} />
        <SelectField label="Team" name="teamId" options={teamOptions} error={errors.byField.teamId} />
      </div>
      <FormErrors messages={errors.general} />
      {sent ? (
        <p className="status" role="status">
          {sent}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={loading}>
          {loading ? 'Inviting…' : 'Send invitation'}
        </button>
      </div>
    </form>
  );
}

interface TeamRow {
  id: string;
  name: string;
  manager?: { name: string } | null;
  members: readonly unknown[];
}

function TeamsSection({ teams, users, onCreated }: { teams: readonly TeamRow[]; users: readonly SettingsUserFragment[]; onCreated: () => void }) {
  const [create, { loading }] = useMutation(CreateTeamMutation);
  const [errors, setErrors] = useState<FieldErrors>(NO_FIELD_ERRORS);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    try {
      await create({ variables: { input: { name: textOf(form, 'name') ?? '', managerId: textOf(form, 'managerId') } } });
      setErrors(NO_FIELD_ERRORS);
      formElement.reset();
      onCreated();
    } catch (error) {
      setErrors(fieldErrorsOf(error, ['name', 'managerId']));
    }
  }

  return (
    <section className="card" aria-labelledby="teams-heading">
      <h2 id="teams-heading">Teams</h2>
      {teams.length === 0 ? (
        <Empty>No teams yet. Teams let sales managers see their reps&apos; records.</Empty>
      ) : (
        <ul className="related">
          {teams.map((t) => (
            <li key={t.id}>
              <strong>{t.name}</strong>{' '}
              <span className="muted">
                · {t.members.length} {t.members.length === 1 ? 'member' : 'members'} · {t.manager ? `managed by ${t.manager.name}` : 'no manager'}
              </span>
            </li>
          ))}
        </ul>
      )}
      <form className="create-form" onSubmit={onSubmit} aria-label="New team" noValidate>
        <div className="form-grid">
          <FormField label="Team name" name="name" autoComplete="off" error={errors.byField.name} />
          <SelectField
            label="Manager"
            name="managerId"
            options={[{ value: '', label: 'None' }, ...users.filter((u) => u.active).map((u) => ({ value: u.id, label: u.name }))]}
            error={errors.byField.managerId}
          />
        </div>
        <FormErrors messages={errors.general} />
        <div className="actions">
          <button type="submit" disabled={loading}>
            {loading ? 'Creating…' : 'Create team'}
          </button>
        </div>
      </form>
    </section>
  );
}
