/** Who works on a deal (collaborators besides the owner) and the contacts involved, with their roles. */
import { useMutation, useQuery } from '@apollo/client/react';
import { useId, type FormEvent } from 'react';
import { Link } from '../link.tsx';
import { Empty } from '../states.tsx';
import type { DealPageFragment } from '../../gql/graphql';
import { pathOf } from '../../lib/route.ts';
import { useAction } from '../../lib/use-action.ts';
import {
  AddDealCollaboratorMutation,
  AddDealContactMutation,
  ContactOptionsQuery,
  RemoveDealCollaboratorMutation,
  RemoveDealContactMutation,
  UserOptionsQuery,
} from '../../operations.ts';
import { textOf } from '../form-field.tsx';

export function DealPeople({ deal }: { deal: DealPageFragment }) {
  const users = useQuery(UserOptionsQuery);
  const contacts = useQuery(ContactOptionsQuery);
  const [addCollaborator] = useMutation(AddDealCollaboratorMutation);
  const [removeCollaborator] = useMutation(RemoveDealCollaboratorMutation);
  const [addContact] = useMutation(AddDealContactMutation);
  const [removeContact] = useMutation(RemoveDealContactMutation);
  const action = useAction();
  const ids = { user: useId(), contact: useId(), role: useId(), primary: useId() };

  const candidates = (users.data?.users ?? []).filter((u) => u.active && u.id !== deal.owner?.id && !deal.collaborators.some((c) => c.id === u.id));
  const contactOptions = (contacts.data?.contactsConnection.nodes ?? []).filter((c) => !deal.contacts.some((d) => d.contact.id === c.id));

  function onAddCollaborator(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const userId = textOf(new FormData(event.currentTarget), 'userId');
    if (!userId) return action.setError('Choose a colleague to add.');
    void action.run(() => addCollaborator({ variables: { dealId: deal.id, userId } }));
  }

  function onAddContact(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const contactId = textOf(form, 'contactId');
    if (!contactId) return action.setError('Choose a contact to link.');
    void action
      .run(() => addContact({ variables: { dealId: deal.id, contactId, role: textOf(form, 'role'), isPrimary: form.get('isPrimary') === 'on' } }))
      .then((done) => done && formElement.reset());
  }

  return (
    <section className="card" aria-labelledby="deal-people">
      <h2 id="deal-people">People</h2>
      <h3>Collaborators</h3>
      {deal.collaborators.length === 0 ? (
        <Empty>Only the owner works on this deal.</Empty>
      ) : (
        <ul className="related">
          {deal.collaborators.map((u) => (
            <li key={u.id}>
              {u.name}{' '}
              <button type="button" className="link-button" disabled={action.busy} onClick={() => void action.run(() => removeCollaborator({ variables: { dealId: deal.id, userId: u.id } }))} aria-label={`Remove ${u.name}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="inline-form" onSubmit={onAddCollaborator} aria-label="Add collaborator">
        <label htmlFor={ids.user} className="visually-hidden">
          Colleague
        </label>
        <select id={ids.user} name="userId" defaultValue="">
          <option value="">Choose a colleague…</option>
          {candidates.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
        <button type="submit" disabled={action.busy}>
          Add collaborator
        </button>
      </form>

      <h3>Contacts</h3>
      {deal.contacts.length === 0 ? (
        <Empty>No contacts linked to this deal yet.</Empty>
      ) : (
        <ul className="related">
          {deal.contacts.map(({ contact, role, isPrimary }) => (
            <li key={contact.id}>
              <Link href={pathOf({ screen: 'contact', id: contact.id })}>{contact.name}</Link>
              {role ? <span className="muted"> · {role}</span> : null}
              {isPrimary ? <span className="badge">Primary</span> : null}{' '}
              <button type="button" className="link-button" disabled={action.busy} onClick={() => void action.run(() => removeContact({ variables: { dealId: deal.id, contactId: contact.id } }))} aria-label={`Unlink ${contact.name}`}>
                Unlink
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="inline-form wrap" onSubmit={onAddContact} aria-label="Link contact">
        <label htmlFor={ids.contact} className="visually-hidden">
          Contact
        </label>
        <select id={ids.contact} name="contactId" defaultValue="">
          <option value="">Choose a contact…</option>
          {contactOptions.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
              {c.email ? ` (${c.email})` : ''}
            </option>
          ))}
        </select>
        <label htmlFor={ids.role} className="visually-hidden">
          Role on the deal
        </label>
        <input id={ids.role} name="role" placeholder="Role, e.g. Decision maker" autoComplete="off" />
        <label htmlFor={ids.primary}>
          <input id={ids.primary} type="checkbox" name="isPrimary" /> Primary
        </label>
        <button type="submit" disabled={action.busy}>
          Link contact
        </button>
      </form>
      {action.error ? (
        <p className="error" role="alert">
          {action.error}
        </p>
      ) : null}
    </section>
  );
}
