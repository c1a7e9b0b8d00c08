/**
 * What global search reads of each record type: the weighted full-text document (the stored
 * `searchDocument` column, kept by triggers, migration `search_documents`, GIN-indexed), the
 * lowercased texts that trigram similarity compares (the `*_trgm_idx` expression indexes, which
 * these expressions must match exactly to be used) and the fields a hit may be matched on.
 */
import type { RecordTable } from '../../../lib/sql-where.ts';

export type SearchableType = 'CONTACT' | 'ACCOUNT' | 'LEAD';
export type SearchField = 'NAME' | 'EMAIL' | 'DOMAIN' | 'INDUSTRY' | 'COMPANY';

export interface SearchDocument {
  table: RecordTable;
  resource: 'contact' | 'account' | 'lead';
  /** The weighted tsvector of a row of `alias` (names A, e-mail/domain B, company/industry/source C). */
  document: (alias: string) => string;
  /** Lowercased texts compared by trigram word similarity (each has a GIN trigram index). */
  fuzzy: (alias: string) => string[];
  /** The fields a hit shows, in the order a match is looked for; the first is the name. */
  fields: { field: SearchField; sql: (alias: string) => string }[];
}

const stored = (alias: string) => `${alias}."searchDocument"`;

export const SEARCH_DOCUMENTS: Record<SearchableType, SearchDocument> = {
  CONTACT: {
    table: 'Contact',
    resource: 'contact',
    document: stored,
    fuzzy: (a) => [`lower(${a}."firstName" || ' ' || ${a}."lastName")`],
    fields: [
      { field: 'NAME', sql: (a) => `${a}."firstName" || ' ' || ${a}."lastName"` },
      { field: 'EMAIL', sql: (a) => `${a}."email"` },
    ],
  },
  ACCOUNT: {
    table: 'Account',
    resource: 'account',
    document: stored,
    fuzzy: (a) => [`lower(${a}."name")`],
    fields: [
      { field: 'NAME', sql: (a) => `${a}."name"` },
      { field: 'DOMAIN', sql: (a) => `${a}."domain"` },
      { field: 'INDUSTRY', sql: (a) => `${a}."industry"` },
    ],
  },
  LEAD: {
    table: 'Lead',
    resource: 'lead',
    document: stored,
    fuzzy: (a) => [`lower(${a}."name")`, `lower(${a}."company")`],
    fields: [
      { field: 'NAME', sql: (a) => `${a}."name"` },
      { field: 'EMAIL', sql: (a) => `${a}."email"` },
      { field: 'COMPANY', sql: (a) => `${a}."company"` },
    ],
  },
};

/** Most fields any type shows (the SQL returns this many text columns per hit). */
export const MAX_FIELDS = 3;
