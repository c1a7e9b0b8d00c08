/**
 * Account and lead imports: the fields a column may fill, and one CSV row read as a change through
 * the rules of `createAccount` / `upsertAccounts` (`accountPatch`) and `createLead` (`leadInput`).
 * Mapping, custom-field cells and error shapes are those of contact imports (contact-rows.ts).
 *
 * Empty cells mean "not given": a new record gets the defaults, an updated one keeps its value.
 */
import { z } from 'zod';
import { AppError } from '@crm/runtime';
import type { CustomFieldInput, FieldDefinition } from '../../../lib/custom-fields.ts';
import { minorDigits, toMinorUnits } from '../../../lib/amounts.ts';
import { isUuid, optionalDomain, parsePatch } from '../../../lib/validation.ts';
import { accountPatch } from '../../accounts/services/accounts.ts';
import { leadInput } from '../../leads/services/leads.ts';
import { CUSTOM_FIELD_PREFIX, customInput, type FieldSpec } from './contact-rows.ts';

export const ACCOUNT_FIELDS = ['name', 'domain', 'industry', 'employees', 'annualRevenue', 'revenueCurrency', 'parent', 'ownerId'] as const;
export const LEAD_FIELDS = ['name', 'email', 'company', 'source', 'status', 'ownerId'] as const;
/** Statuses an import may give a lead (CONVERTED only through `convertLead`). */
export const IMPORTABLE_LEAD_STATUSES = ['NEW', 'CONTACTED', 'QUALIFIED', 'UNQUALIFIED'] as const;
export type ImportableLeadStatus = (typeof IMPORTABLE_LEAD_STATUSES)[number];

export const ACCOUNT_SPEC: FieldSpec = {
  fields: ACCOUNT_FIELDS,
  synonyms: {
    name: ['name', 'accountname', 'company', 'companyname', 'organisation', 'organization', 'account'],
    domain: ['domain', 'website', 'web', 'url', 'domainname', 'site'],
    industry: ['industry', 'sector', 'vertical'],
    employees: ['employees', 'size', 'companysize', 'headcount', 'numberofemployees', 'employeecount'],
    annualRevenue: ['annualrevenue', 'revenue', 'turnover'],
    revenueCurrency: ['revenuecurrency', 'currency'],
    parent: ['parent', 'parentaccount', 'parentdomain', 'parentid', 'parentcompany'],
    ownerId: ['ownerid', 'owner'],
  },
  required: ['name'],
};

export const LEAD_SPEC: FieldSpec = {
  fields: LEAD_FIELDS,
  synonyms: {
    name: ['name', 'fullname', 'leadname', 'contactname'],
    email: ['email', 'emailaddress', 'mail', 'workemail'],
    company: ['company', 'companyname', 'organisation', 'organization', 'account'],
    source: ['source', 'leadsource', 'origin', 'channel'],
    status: ['status', 'leadstatus'],
    ownerId: ['ownerid', 'owner'],
  },
  required: ['name'],
};

/** An account change read from one row; absent keys were empty cells. */
export interface AccountRowPatch {
  name?: string;
  domain?: string | null;
  industry?: string | null;
  employees?: number | null;
  annualRevenue?: { revenueMinor: bigint | null; revenueCurrency: string | null };
  ownerId?: string | null;
  /** The parent account named by id or by domain (resolved when the row is written). */
  parent?: { id: string } | { domain: string };
  customFields?: CustomFieldInput[];
}

/** A lead change read from one row; absent keys were empty cells. */
export interface LeadRowPatch {
  name?: string;
  email?: string | null;
  company?: string | null;
  source?: string | null;
  status?: ImportableLeadStatus;
  ownerId?: string | null;
  customFields?: CustomFieldInput[];
}

export type RecordReading<P> = { ok: true; rowNumber: number; patch: P; key: string | null } | { ok: false; rowNumber: number; column: string | null; reason: string };

type Mapped = readonly { index: number; column: string; field: string }[];

/** The dedup key of an account: `domain:<domain>` when it has one, else `name:<lower(name)>`. */
export function accountKey(patch: { domain?: string | null; name?: string }): string | null {
  if (patch.domain) return `domain:${patch.domain}`;
  return patch.name ? `name:${patch.name.toLowerCase()}` : null;
}

/** Cells of the mapped columns, custom fields converted; a string is the error. */
function collect(
  cells: readonly string[],
  mapped: Mapped,
  definitions: ReadonlyMap<string, FieldDefinition>,
): { raw: Record<string, string>; columnOf: Map<string, string>; customFields: CustomFieldInput[] } | { column: string; reason: string } {
  const raw: Record<string, string> = {};
  const columnOf = new Map<string, string>();
  const customFields: CustomFieldInput[] = [];
  for (const { index, column, field } of mapped) {
    const cell = cells[index]!.trim();
    if (cell === '') continue;
    columnOf.set(field, column);
    if (field.startsWith(CUSTOM_FIELD_PREFIX)) {
      const def = definitions.get(field.slice(CUSTOM_FIELD_PREFIX.length));
      if (!def) return { column, reason: `there is no custom field ${field.slice(CUSTOM_FIELD_PREFIX.length)}` };
      const input = customInput(def, cell);
      if (typeof input === 'string') return { column, reason: input };
      customFields.push(input);
    } else {
      raw[field] = cell;
    }
  }
  return { raw, columnOf, customFields };
}

const fieldOf = (error: AppError) => (typeof error.extensions['field'] === 'string' ? error.extensions['field'] : null);

/**
 * One data row read as an account change. Employees are whole numbers ("1,200" is read as 1200);
 * the annual revenue is an amount in the currency's main unit with `revenueCurrency` beside it;
 * `parent` is an account id or a domain. The dedup key is the normalised domain, else lower(name).
 */
export function readAccountRow(rowNumber: number, cells: readonly string[], columnCount: number, mapped: Mapped, definitions: ReadonlyMap<string, FieldDefinition>): RecordReading<AccountRowPatch> {
  if (cells.length !== columnCount) return { ok: false, rowNumber, column: null, reason: `the row has ${cells.length} cells; the header has ${columnCount} columns` };
  const collected = collect(cells, mapped, definitions);
  if ('reason' in collected) return { ok: false, rowNumber, ...collected };
  const { raw, columnOf, customFields } = collected;
  const fail = (field: string, reason: string): RecordReading<AccountRowPatch> => ({ ok: false, rowNumber, column: columnOf.get(field) ?? null, reason });
  const input: Record<string, unknown> = {};
  for (const field of ['name', 'domain', 'industry', 'ownerId'] as const) if (raw[field] !== undefined) input[field] = raw[field];
  if (raw['employees'] !== undefined) {
    const plain = raw['employees'].replace(/[\s,_']/g, '');
    if (!/^-?\d+(\.\d+)?$/.test(plain)) return fail('employees', 'employees must be a whole number');
    input['employees'] = Number(plain);
  }
  if (raw['annualRevenue'] !== undefined || raw['revenueCurrency'] !== undefined) {
    if (raw['annualRevenue'] === undefined) return fail('revenueCurrency', 'revenueCurrency is given without annualRevenue');
    if (raw['revenueCurrency'] === undefined) return fail('annualRevenue', 'annualRevenue needs a revenueCurrency (an ISO 4217 code such as USD)');
    const currency = raw['revenueCurrency'].toUpperCase();
    const digits = /^[A-Z]{3}$/.test(currency) ? minorDigits(currency) : null;
    if (digits === null) return fail('revenueCurrency', 'currency must be an ISO 4217 code such as USD');
    const amountMinor = toMinorUnits(raw['annualRevenue'], digits);
    if (amountMinor === null) return fail('annualRevenue', `annualRevenue must be a non-negative amount with at most ${digits} decimals`);
    input['annualRevenue'] = { amountMinor, currency };
  }
  let parent: AccountRowPatch['parent'];
  if (raw['parent'] !== undefined) {
    if (isUuid(raw['parent'])) parent = { id: raw['parent'].toLowerCase() };
    else {
      const domain = optionalDomain.safeParse(raw['parent']);
      if (!domain.success || !domain.data) return fail('parent', 'parent must be an account id or a domain (e.g. acme.com)');
      parent = { domain: domain.data };
    }
  }
  try {
    const parsed = parsePatch(accountPatch, input);
    const patch: AccountRowPatch = { ...parsed } as AccountRowPatch;
    if (parent) patch.parent = parent;
    if (customFields.length) patch.customFields = customFields;
    return { ok: true, rowNumber, patch, key: accountKey(patch) };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const field = fieldOf(error);
    const column = field?.startsWith('annualRevenue.currency')
      ? columnOf.get('revenueCurrency')
      : field?.startsWith('annualRevenue')
        ? columnOf.get('annualRevenue')
        : field
          ? columnOf.get(field)
          : undefined;
    return { ok: false, rowNumber, column: column ?? null, reason: error.message };
  }
}

const leadRules = { ...leadInput.shape, status: z.enum(IMPORTABLE_LEAD_STATUSES, { error: `status must be one of ${IMPORTABLE_LEAD_STATUSES.join(', ')} (CONVERTED only through convertLead)` }) };

/** One data row read as a lead change; the dedup key is lower(email). */
export function readLeadRow(rowNumber: number, cells: readonly string[], columnCount: number, mapped: Mapped, definitions: ReadonlyMap<string, FieldDefinition>): RecordReading<LeadRowPatch> {
  if (cells.length !== columnCount) return { ok: false, rowNumber, column: null, reason: `the row has ${cells.length} cells; the header has ${columnCount} columns` };
  const collected = collect(cells, mapped, definitions);
  if ('reason' in collected) return { ok: false, rowNumber, ...collected };
  const { raw, columnOf, customFields } = collected;
  const input: Record<string, unknown> = { ...raw };
  if (raw['status'] !== undefined) input['status'] = raw['status'].toUpperCase().replace(/[\s-]+/g, '_');
  try {
    const patch = parsePatch(leadRules, input) as LeadRowPatch;
    if (customFields.length) patch.customFields = customFields;
    return { ok: true, rowNumber, patch, key: patch.email ?? null };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const field = fieldOf(error);
    return { ok: false, rowNumber, column: (field && columnOf.get(field)) ?? null, reason: error.message };
  }
}
