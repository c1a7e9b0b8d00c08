/**
 * The rules of a `convertLead` request, checked before anything is read or written. Contact and
 * account are each given either by id or as a new record; the deal is only shape-checked here
 * (the sales subgraph applies its deal rules when it creates the deal).
 */
import { z } from 'zod';
import { badInput } from '@crm/runtime';
import { isUuid, optionalDomain, optionalEmail, optionalPhone, optionalText, optionalUuid, parseInput, requiredName } from '../../../lib/validation.ts';

export interface ConvertLeadRequest {
  contact: { existingId?: string | null; create?: NewConversionContact | null };
  account?: { existingId?: string | null; create?: NewConversionAccount | null } | null;
  deal?: ConversionDealInput | null;
  idempotencyKey?: string | null;
}

export interface NewConversionContact {
  firstName: string;
  lastName: string;
  email?: string | null;
  phone?: string | null;
}

export interface NewConversionAccount {
  name: string;
  domain?: string | null;
  industry?: string | null;
}

/** The deal asked for, as carried to the sales subgraph. */
export interface ConversionDealInput {
  pipelineId: string;
  stageId?: string | null;
  name: string;
  amount: string;
  currency: string;
  ownerId?: string | null;
}

/** Validated request: exactly one way to get each record. */
export interface ValidConversion {
  contact: { existingId: string } | { create: { firstName: string; lastName: string; email: string | null; phone: string | null } };
  account: { existingId: string } | { create: { name: string; domain: string | null; industry: string | null } } | null;
  deal: { pipelineId: string; stageId: string | null; name: string; amount: string; currency: string; ownerId: string | null } | null;
  idempotencyKey: string | null;
}

export const MAX_IDEMPOTENCY_KEY = 200;

const existingId = (label: string) => z.string().refine(isUuid, `${label} is not a valid id`).transform((id) => id.toLowerCase());

const newContact = z.object({
  firstName: requiredName('firstName', 100),
  lastName: requiredName('lastName', 100),
  email: optionalEmail,
  phone: optionalPhone,
});

const newAccount = z.object({
  name: requiredName('name'),
  domain: optionalDomain,
  industry: optionalText(100, 'industry'),
});

const deal = z.object({
  pipelineId: existingId('pipelineId'),
  stageId: optionalUuid('stageId').transform((id) => id?.toLowerCase() ?? null),
  name: requiredName('name'),
  amount: z.string().trim().min(1, 'amount must not be empty').max(40, 'amount must be at most 40 characters'),
  currency: z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as "EUR"'),
  ownerId: optionalUuid('ownerId').transform((id) => id?.toLowerCase() ?? null),
});

const idempotencyKey = z
  .string()
  .trim()
  .min(1, 'idempotencyKey must not be empty')
  .max(MAX_IDEMPOTENCY_KEY, `idempotencyKey must be at most ${MAX_IDEMPOTENCY_KEY} characters`)
  .nullish()
  .transform((key) => key ?? null);

/** Either `existingId` or `create`, never both or neither; BAD_USER_INPUT names the field. */
function oneOf<T>(
  value: { existingId?: string | null; create?: unknown },
  field: string,
  create: z.ZodType<T>,
): { existingId: string } | { create: T } {
  const hasId = value.existingId !== null && value.existingId !== undefined;
  const hasCreate = value.create !== null && value.create !== undefined;
  if (hasId === hasCreate) throw badInput(`${field}: give exactly one of existingId and create`, field);
  if (hasId) return { existingId: parseInput(existingId(`${field}.existingId`), value.existingId, [field, 'existingId']) };
  return { create: parseInput(create, value.create, [field, 'create']) };
}

export function parseConversionRequest(input: ConvertLeadRequest): ValidConversion {
  if (!input.contact) throw badInput('contact is required', 'contact');
  return {
    contact: oneOf(input.contact, 'contact', newContact),
    account: input.account ? oneOf(input.account, 'account', newAccount) : null,
    deal: input.deal ? parseInput(deal, input.deal, ['deal']) : null,
    idempotencyKey: parseInput(idempotencyKey, input.idempotencyKey, ['idempotencyKey']),
  };
}
