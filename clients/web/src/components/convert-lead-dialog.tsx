/**
 * Converts a lead: into an existing contact (one with the lead's e-mail is offered) or a new one,
 * optionally linked to an existing or new account (accounts named like the lead's company are
 * offered), optionally opening a deal in a pipeline. With a deal the conversion waits for the sales
 * subgraph; the dialog follows it until it completes (links to what was made) or fails (the reason,
 * and the lead is back as it was).
 */
import { useMutation, useQuery } from '@apollo/client/react';
import { useId, useState, type FormEvent } from 'react';
import type { LeadConversionStateFragment, LeadRowFragment } from '../gql/graphql';
import { fieldErrorsOf, NO_FIELD_ERRORS, type FieldErrors } from '../lib/field-errors.ts';
import { conversionInput, splitName, type AccountChoice, type ContactChoice } from '../lib/lead-conversion.ts';
import { ConvertLeadMutation, LeadConversionMatchesQuery, LeadConversionQuery, PipelinesQuery } from '../operations.ts';
import { FormErrors, FormField, SelectField, textOf } from './form-field.tsx';
import { Link } from './link.tsx';

const FIELDS = ['firstName', 'lastName', 'email', 'name', 'domain', 'pipelineId', 'amount', 'currency'] as const;

/** Follows a PENDING conversion until the sales subgraph has answered. */
function ConversionOutcome({ conversion, onDone }: { conversion: LeadConversionStateFragment; onDone: () => void }) {
  const pending = conversion.status === 'PENDING';
  const { data } = useQuery(LeadConversionQuery, { variables: { id: conversion.id }, skip: !pending, pollInterval: 1000, fetchPolicy: 'network-only' });
  const current = (pending ? data?.leadConversion : null) ?? conversion;
  if (current.status === 'PENDING') {
    return (
      <p role="status" className="muted">
        Opening the deal…
      </p>
    );
  }
  if (current.status === 'FAILED') {
    return (
      <div className="error" role="alert">
        <p>The lead was not converted: {current.failureReason ?? 'the deal was refused'}. Nothing was kept; adjust the deal and try again.</p>
        <button type="button" onClick={onDone}>
          Close
        </button>
      </div>
    );
  }
  return (
    <div role="status" className="conversion-done">
      <p>Lead converted.</p>
      <ul>
        {current.contact ? (
          <li>
            Contact ({current.contactCreated ? 'new' : 'existing'}): <Link href={`/contacts/${current.contact.id}`}>{current.contact.name}</Link>
          </li>
        ) : null}
        {current.account ? (
          <li>
            Account ({current.accountCreated ? 'new' : 'existing'}): <Link href={`/accounts/${current.account.id}`}>{current.account.name}</Link>
          </li>
        ) : null}
        {current.deal ? (
          <li>
            Deal: <Link href={`/deals/${current.deal.id}`}>{current.deal.name}</Link>
          </li>
        ) : null}
      </ul>
      <button type="button" onClick={onDone}>
        Close
      </button>
    </div>
  );
}

export function ConvertLeadDialog({ lead, onClose }: { lead: LeadRowFragment; onClose: () => void }) {
  const titleId = useId();
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const names = splitName(lead.name);
  const matches = useQuery(LeadConversionMatchesQuery, { variables: { email: lead.email ?? '', company: lead.company ?? lead.name } });
  const pipelines = useQuery(PipelinesQuery);
  const [convert, { loading }] = useMutation(ConvertLeadMutation);
  const [contactMode, setContactMode] = useState('create');
  const [accountMode, setAccountMode] = useState(lead.company ? 'create' : 'none');
  const [withDeal, setWithDeal] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>(NO_FIELD_ERRORS);
  const [conversion, setConversion] = useState<LeadConversionStateFragment | null>(null);

  const contacts = lead.email ? (matches.data?.contactsConnection.nodes ?? []) : [];
  const accounts = matches.data?.accountsConnection.nodes ?? [];

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const contact: ContactChoice =
      contactMode === 'create'
        ? { kind: 'create', firstName: textOf(form, 'firstName') ?? '', lastName: textOf(form, 'lastName') ?? '', email: textOf(form, 'email') }
        : { kind: 'existing', id: contactMode };
    const account: AccountChoice =
      accountMode === 'none'
        ? { kind: 'none' }
        : accountMode === 'create'
          ? { kind: 'create', name: textOf(form, 'name') ?? '', domain: textOf(form, 'domain') }
          : { kind: 'existing', id: accountMode };
    const deal = withDeal
      ? { pipelineId: textOf(form, 'pipelineId') ?? '', name: textOf(form, 'dealName') ?? '', amount: textOf(form, 'amount') ?? '', currency: textOf(form, 'currency') ?? '' }
      : null;
    try {
      const { data } = await convert({ variables: { id: lead.id, input: conversionInput(contact, account, deal, idempotencyKey) } });
      if (data) setConversion(data.convertLead);
    } catch (error) {
      setErrors(fieldErrorsOf(error, FIELDS));
    }
  }

  return (
    <section className="card convert-dialog" role="dialog" aria-labelledby={titleId}>
      <h2 id={titleId}>Convert lead</h2>
      {conversion ? (
        <ConversionOutcome conversion={conversion} onDone={onClose} />
      ) : (
        <form onSubmit={onSubmit} noValidate aria-label="Convert lead">
          <fieldset>
            <legend>Contact</legend>
            <SelectField
              label="Contact"
              name="contactMode"
              value={contactMode}
              onChange={(e) => setContactMode(e.target.value)}
              options={[{ value: 'create', label: 'Create a new contact' }, ...contacts.map((c) => ({ value: c.id, label: `Use ${c.name} (${c.email ?? 'no e-mail'})` }))]}
            />
            {contactMode === 'create' ? (
              <div className="form-grid">
                <FormField label="First name" name="firstName" defaultValue={names.firstName} error={errors.byField.firstName} />
                <FormField label="Last name" name="lastName" defaultValue={names.lastName} error={errors.byField.lastName} />
                <FormField label="E-mail" name="email" type="email" defaultValue={lead.email ?? ''} error={errors.byField.email} />
              </div>
            ) : null}
          </fieldset>
          <fieldset>
            <legend>Account</legend>
            <SelectField
              label="Account"
              name="accountMode"
              value={accountMode}
              onChange={(e) => setAccountMode(e.target.value)}
              options={[
                { value: 'none', label: 'No account' },
                { value: 'create', label: 'Create a new account' },
                ...accounts.map((a) => ({ value: a.id, label: `Use ${a.name}${a.domain ? ` (${a.domain})` : ''}` })),
              ]}
            />
            {accountMode === 'create' ? (
              <div className="form-grid">
                <FormField label="Account name" name="name" defaultValue={lead.company ?? ''} error={errors.byField.name} />
                <FormField label="Domain" name="domain" placeholder="example.com" error={errors.byField.domain} />
              </div>
            ) : null}
          </fieldset>
          <fieldset>
            <legend>Deal</legend>
            <label className="checkbox">
              <input type="checkbox" checked={withDeal} onChange={(e) => setWithDeal(e.target.checked)} /> Open a deal
            </label>
            {withDeal ? (
              <div className="form-grid">
                <SelectField
                  label="Pipeline"
                  name="pipelineId"
                  options={(pipelines.data?.pipelines ?? []).map((p) => ({ value: p.id, label: p.name }))}
                  error={errors.byField.pipelineId}
                />
                <FormField label="Deal name" name="dealName" defaultValue={`${lead.company ?? lead.name} deal`} />
                <FormField label="Amount" name="amount" inputMode="decimal" placeholder="12000.00" error={errors.byField.amount} />
                <FormField label="Currency" name="currency" defaultValue="USD" maxLength={3} error={errors.byField.currency} />
              </div>
            ) : null}
          </fieldset>
          <FormErrors messages={errors.general} />
          <div className="actions">
            <button type="submit" className="primary" disabled={loading}>
              {loading ? 'Converting…' : 'Convert'}
            </button>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
