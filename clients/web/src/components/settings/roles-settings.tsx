/**
 * Roles of the tenant: the built-in roles (read-only, their grants shown in the same grid) and
 * the roles the tenant defines. A custom role has a SCREAMING_CASE name, a description and a
 * permission grid (resources × actions, a scope per cell: own, team or tenant records). Editing
 * changes the description and grants (holders get them within seconds); a role still held by
 * users cannot be deleted (the API names them). Users get roles in "Users and teams".
 */
import { useMutation, useQuery } from '@apollo/client/react';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { FormErrors, FormField } from '../form-field.tsx';
import { LoadError, Loading } from '../states.tsx';
import type { RoleRowFragment } from '../../gql/graphql';
import { fieldErrorsOf, NO_FIELD_ERRORS, type FieldErrors } from '../../lib/field-errors.ts';
import { enumLabel } from '../../lib/labels.ts';
import { catalogueOf, grantsOf, gridOf, resourceLabel, roleNameOf, sameGrid, SCOPE_LABELS, summaryOf, TENANT_SCOPES, withCell, withResource, type Catalogue, type Grid, type GridScope } from '../../lib/role-grid.ts';
import { useAction } from '../../lib/use-action.ts';
import { CreateRoleMutation, DeleteRoleMutation, RolesQuery, UpdateRoleMutation } from '../../operations.ts';

const ROLE_FIELDS = ['name', 'description', 'grants'] as const;

/** Which role the editor shows: a new one, or an existing one by name. */
type Editing = { kind: 'new' } | { kind: 'role'; name: string } | null;

export function RolesSettings() {
  const { data, loading, error, refetch } = useQuery(RolesQuery, { fetchPolicy: 'cache-and-network' });
  const [editing, setEditing] = useState<Editing>(null);
  const roles = useMemo(() => data?.roles ?? [], [data]);
  const catalogue = useMemo(() => catalogueOf(roles), [roles]);
  const reload = () => void refetch().catch(() => undefined);
  if (loading && !data) return <Loading>Loading roles…</Loading>;
  if (error && !data) return <LoadError error={error} onRetry={reload} />;
  const open = editing?.kind === 'role' ? roles.find((role) => role.name === editing.name) : undefined;

  return (
    <>
      <section className="card" aria-labelledby="roles-heading">
        <h2 id="roles-heading">Roles</h2>
        <p className="muted">A user has one built-in role and any number of custom roles; their permissions add up.</p>
        <div className="table-scroll">
          <table className="records roles-table">
            <thead>
              <tr>
                <th scope="col">Role</th>
                <th scope="col">Permissions</th>
                <th scope="col">Users</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {roles.map((role) => (
                <RoleRow key={role.id} role={role} onOpen={() => setEditing({ kind: 'role', name: role.name })} onDeleted={() => (setEditing(null), reload())} />
              ))}
            </tbody>
          </table>
        </div>
        <div className="actions">
          <button type="button" className="primary" onClick={() => setEditing({ kind: 'new' })}>
            New role
          </button>
        </div>
      </section>
      {editing?.kind === 'new' ? <RoleEditor key="new" catalogue={catalogue} onClose={() => setEditing(null)} onSaved={(name) => (setEditing({ kind: 'role', name }), reload())} /> : null}
      {open ? <RoleEditor key={open.name} role={open} catalogue={catalogue} onClose={() => setEditing(null)} onSaved={reload} /> : null}
    </>
  );
}

function RoleRow({ role, onOpen, onDeleted }: { role: RoleRowFragment; onOpen: () => void; onDeleted: () => void }) {
  const [remove] = useMutation(DeleteRoleMutation);
  const action = useAction();
  const label = role.builtIn ? enumLabel(role.name) : role.name;
  return (
    <tr>
      <th scope="row">
        {label} {role.builtIn ? <span className="badge">Built-in</span> : null}
        {role.description ? <div className="muted">{role.description}</div> : null}
      </th>
      <td className="muted">{summaryOf(role.grants)}</td>
      <td>{role.users.length === 0 ? <span className="muted">None</span> : role.users.map((user) => user.name).join(', ')}</td>
      <td>
        <button type="button" onClick={onOpen} aria-label={`${role.builtIn ? 'View' : 'Edit'} ${label}`}>
          {role.builtIn ? 'View' : 'Edit'}
        </button>
        {role.builtIn ? null : (
          <button
            type="button"
            className="danger"
            disabled={action.busy}
            aria-label={`Delete ${label}`}
            onClick={() => {
              if (window.confirm(`Delete the role ${label}?`)) void action.run(async () => (await remove({ variables: { id: role.id } }), onDeleted()));
            }}
          >
            Delete
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

function RoleEditor({ role, catalogue, onClose, onSaved }: { role?: RoleRowFragment; catalogue: Catalogue; onClose: () => void; onSaved: (name: string) => void }) {
  const [create, creating] = useMutation(CreateRoleMutation);
  const [update, updating] = useMutation(UpdateRoleMutation);
  const initial = useMemo(() => gridOf(role?.grants ?? []), [role]);
  const [grid, setGrid] = useState<Grid>(initial);
  const [errors, setErrors] = useState<FieldErrors>(NO_FIELD_ERRORS);
  const [saved, setSaved] = useState<string | null>(null);
  const readOnly = role?.builtIn ?? false;
  const title = role ? (role.builtIn ? `${enumLabel(role.name)} (built-in, read-only)` : `Edit ${role.name}`) : 'New role';

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const description = String(form.get('description') ?? '');
    setSaved(null);
    try {
      if (role) {
        await update({ variables: { id: role.id, input: { description, grants: grantsOf(grid) } } });
        setSaved(`${role.name} saved. Its users get the new permissions within seconds.`);
        setErrors(NO_FIELD_ERRORS);
        onSaved(role.name);
      } else {
        const name = roleNameOf(String(form.get('name') ?? ''));
        const { data } = await create({ variables: { input: { name, description, grants: grantsOf(grid) } } });
        setErrors(NO_FIELD_ERRORS);
        onSaved(data?.createRole.name ?? name);
      }
    } catch (error) {
      setErrors(fieldErrorsOf(error, ROLE_FIELDS));
    }
  }

  const busy = creating.loading || updating.loading;
  return (
    <form className="card create-form" onSubmit={onSubmit} aria-label={title} noValidate>
      <h2>{title}</h2>
      {readOnly ? null : (
        <div className="form-grid">
          {role ? null : <FormField label="Name" name="name" autoComplete="off" placeholder="CONTACT_VIEWER" hint="SCREAMING_CASE, e.g. CONTACT_VIEWER" error={errors.byField.name} />}
          <FormField label="Description" name="description" autoComplete="off" defaultValue={role?.description ?? ''} error={errors.byField.description} />
        </div>
      )}
      <PermissionGrid catalogue={catalogue} grid={grid} readOnly={readOnly} onChange={setGrid} />
      {errors.byField.grants ? (
        <p className="field-error" role="alert">
          {errors.byField.grants}
        </p>
      ) : null}
      <FormErrors messages={errors.general} />
      {saved && sameGrid(grid, initial) ? (
        <p className="status" role="status">
          {saved}
        </p>
      ) : null}
      <div className="actions">
        {readOnly ? null : (
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : role ? 'Save role' : 'Create role'}
          </button>
        )}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}

/** Resources × actions; each cell a scope select ("No access" grants nothing). A row's first select sets every action of it. */
export function PermissionGrid({ catalogue, grid, readOnly, onChange }: { catalogue: Catalogue; grid: Grid; readOnly: boolean; onChange: (grid: Grid) => void }) {
  const captionId = useId();
  const scopes: readonly GridScope[] = readOnly ? [...TENANT_SCOPES, 'GLOBAL'] : TENANT_SCOPES;
  const options = (
    <>
      <option value="">No access</option>
      {scopes.map((scope) => (
        <option key={scope} value={scope}>
          {SCOPE_LABELS[scope]}
        </option>
      ))}
    </>
  );
  return (
    <div className="table-scroll">
      <table className="records permission-grid" aria-labelledby={captionId}>
        <caption id={captionId}>Permissions: which records each action reaches</caption>
        <thead>
          <tr>
            <th scope="col">Resource</th>
            {readOnly ? null : <th scope="col">All actions</th>}
            {catalogue.actions.map((action) => (
              <th scope="col" key={action}>
                {enumLabel(action)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {catalogue.resources.map((resource) => (
            <tr key={resource}>
              <th scope="row">{resourceLabel(resource)}</th>
              {readOnly ? null : (
                <td>
                  <select aria-label={`All ${resource} actions`} value="" onChange={(e) => onChange(withResource(grid, catalogue, resource, e.target.value === 'NONE' ? null : (e.target.value as GridScope)))}>
                    <option value="" disabled>
                      Set all…
                    </option>
                    <option value="NONE">No access</option>
                    {TENANT_SCOPES.map((scope) => (
                      <option key={scope} value={scope}>
                        {SCOPE_LABELS[scope]}
                      </option>
                    ))}
                  </select>
                </td>
              )}
              {catalogue.actions.map((action) => {
                const permission = `${resource}:${action}`;
                if (!catalogue.has(resource, action)) return <td key={action} />;
                return (
                  <td key={action}>
                    <select
                      aria-label={permission}
                      value={grid[permission] ?? ''}
                      disabled={readOnly}
                      onChange={(e) => onChange(withCell(grid, permission, (e.target.value || null) as GridScope | null))}
                    >
                      {options}
                    </select>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
