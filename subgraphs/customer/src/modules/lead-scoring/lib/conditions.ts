/**
 * Conditions on a lead shared by scoring and assignment rules: a built-in field or a custom field
 * compared with EQUALS, CONTAINS (case-insensitive), IS_SET or NOT_FREE_MAIL (the e-mail domain is
 * not a public mailbox provider).
 */
export const LEAD_RULE_FIELDS = ['NAME', 'EMAIL', 'EMAIL_DOMAIN', 'COMPANY', 'SOURCE', 'CUSTOM_FIELD'] as const;
export const LEAD_RULE_OPERATORS = ['EQUALS', 'CONTAINS', 'IS_SET', 'NOT_FREE_MAIL'] as const;
export type LeadRuleField = (typeof LEAD_RULE_FIELDS)[number];
export type LeadRuleOperator = (typeof LEAD_RULE_OPERATORS)[number];

export interface LeadCondition {
  field: LeadRuleField;
  /** Key of the lead custom field when `field` is CUSTOM_FIELD. */
  customField?: string | null;
  operator: LeadRuleOperator;
  /** Compared value for EQUALS and CONTAINS. */
  value?: string | null;
}

/** What conditions look at. */
export interface LeadFacts {
  name: string;
  email: string | null;
  company: string | null;
  source: string | null;
  customFields: unknown;
}

/** Public mailbox providers: a lead writing from one of these says little about a company. */
export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'ymail.com', 'hotmail.com', 'hotmail.co.uk', 'hotmail.fr',
  'outlook.com', 'live.com', 'msn.com', 'aol.com', 'icloud.com', 'me.com', 'mac.com', 'proton.me', 'protonmail.com', 'gmx.com',
  'gmx.de', 'gmx.net', 'web.de', 'mail.com', 'yandex.com', 'yandex.ru', 'mail.ru', 'zoho.com', 'fastmail.com', 'hey.com',
  'orange.fr', 'free.fr', 'laposte.net', 'qq.com', '163.com', '126.com', 'naver.com',
]);

export const emailDomain = (email: string | null): string | null => {
  const at = email?.lastIndexOf('@') ?? -1;
  return email && at > 0 ? email.slice(at + 1).toLowerCase() : null;
};

/** The values a condition compares: one for built-in fields, several for a multi-select field. */
function valuesOf(lead: LeadFacts, condition: LeadCondition): string[] {
  switch (condition.field) {
    case 'NAME':
      return [lead.name];
    case 'EMAIL':
      return lead.email ? [lead.email] : [];
    case 'EMAIL_DOMAIN': {
      const domain = emailDomain(lead.email);
      return domain ? [domain] : [];
    }
    case 'COMPANY':
      return lead.company ? [lead.company] : [];
    case 'SOURCE':
      return lead.source ? [lead.source] : [];
    case 'CUSTOM_FIELD': {
      const fields = lead.customFields && typeof lead.customFields === 'object' && !Array.isArray(lead.customFields) ? (lead.customFields as Record<string, unknown>) : {};
      const raw = condition.customField ? fields[condition.customField] : undefined;
      return scalarStrings(raw);
    }
  }
}

function scalarStrings(raw: unknown): string[] {
  if (raw === null || raw === undefined || raw === '') return [];
  if (Array.isArray(raw)) return raw.flatMap(scalarStrings);
  if (typeof raw === 'object') {
    const amount = (raw as { amount?: unknown }).amount;
    return amount === undefined ? [] : [String(amount)];
  }
  return [String(raw)];
}

export function matches(lead: LeadFacts, condition: LeadCondition): boolean {
  const values = valuesOf(lead, condition);
  const wanted = (condition.value ?? '').trim().toLowerCase();
  switch (condition.operator) {
    case 'IS_SET':
      return values.length > 0;
    case 'EQUALS':
      return values.some((value) => value.trim().toLowerCase() === wanted);
    case 'CONTAINS':
      return wanted !== '' && values.some((value) => value.toLowerCase().includes(wanted));
    case 'NOT_FREE_MAIL': {
      const domain = emailDomain(lead.email);
      return domain !== null && !FREE_MAIL_DOMAINS.has(domain);
    }
  }
}

/** A one-line description, e.g. `company contains "acme"` (used in score breakdowns). */
export function describe(condition: LeadCondition): string {
  const field = condition.field === 'CUSTOM_FIELD' ? `custom field ${condition.customField ?? ''}` : condition.field.toLowerCase().replace('_', ' ');
  switch (condition.operator) {
    case 'IS_SET':
      return `${field} is set`;
    case 'NOT_FREE_MAIL':
      return 'e-mail domain is not a free mailbox';
    default:
      return `${field} ${condition.operator.toLowerCase()} "${condition.value ?? ''}"`;
  }
}
