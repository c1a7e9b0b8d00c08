/** Pure rules of the lead conversion dialog: the defaults it proposes and the input it sends. */
import type { ConvertLeadInput } from '../gql/graphql';

/** "Ada King Lovelace" → first "Ada", last "King Lovelace"; a single word is the last name's too. */
export function splitName(name: string): { firstName: string; lastName: string } {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { firstName: '', lastName: '' };
  if (words.length === 1) return { firstName: words[0]!, lastName: words[0]! };
  return { firstName: words[0]!, lastName: words.slice(1).join(' ') };
}

/** Statuses a lead can be converted from. */
export function canConvert(status: string): boolean {
  return status === 'NEW' || status === 'CONTACTED' || status === 'QUALIFIED';
}

export type ContactChoice = { kind: 'existing'; id: string } | { kind: 'create'; firstName: string; lastName: string; email: string | null };
export type AccountChoice = { kind: 'none' } | { kind: 'existing'; id: string } | { kind: 'create'; name: string; domain: string | null };
export type DealChoice = { pipelineId: string; name: string; amount: string; currency: string } | null;

/** The mutation input of the choices; `idempotencyKey` makes a resubmitted dialog return the same conversion. */
export function conversionInput(contact: ContactChoice, account: AccountChoice, deal: DealChoice, idempotencyKey: string): ConvertLeadInput {
  return {
    contact:
      contact.kind === 'existing'
        ? { existingId: contact.id }
        : { create: { firstName: contact.firstName, lastName: contact.lastName, ...(contact.email ? { email: contact.email } : {}) } },
    ...(account.kind === 'existing' ? { account: { existingId: account.id } } : {}),
    ...(account.kind === 'create' ? { account: { create: { name: account.name, ...(account.domain ? { domain: account.domain } : {}) } } } : {}),
    ...(deal ? { deal: { pipelineId: deal.pipelineId, name: deal.name, amount: deal.amount, currency: deal.currency.toUpperCase() } } : {}),
    idempotencyKey,
  };
}
