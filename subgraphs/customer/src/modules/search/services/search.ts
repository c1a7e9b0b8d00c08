/**
 * Global search over contacts, accounts and leads in one SQL statement: per record type, rows
 * whose full-text document matches the query (`websearch_to_tsquery`, so quotes, `or` and `-word`
 * work) or whose words start with the query's words (type-ahead), ranked by full-text rank plus
 * prefix rank; and, where pg_trgm is installed and no record of the requested types matches that
 * way, the rows whose name is similar to the query (typos), ranked by trigram word similarity.
 * Only live records within the caller's read scope are searched, and at most MAX_CANDIDATES
 * matches per type are ranked.
 */
import { badInput } from '@crm/runtime';
import { Prisma, type PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { TenantDb } from '../../../context.ts';
import { accountSpec, contactSpec, leadSpec } from '../../../lib/entities.ts';
import type { EntitySpec, Where } from '@crm/db/list-query';
import { whereToSql, type RecordTable } from '../../../lib/sql-where.ts';
import { MAX_FIELDS, SEARCH_DOCUMENTS, type SearchableType, type SearchField } from '../lib/documents.ts';
import { highlights, MIN_FUZZY_LENGTH, parseSearchText, type SearchText, type TextRange } from '../lib/query-text.ts';
import { recordJson, type RecordJson, type RuntimeDataModel } from '../lib/record-json.ts';
import type { AccountModel, ContactModel, LeadModel } from '../../../__generated__/prisma/models.ts';

/** Most hits one search returns. */
export const MAX_SEARCH_HITS = 50;
export const SEARCHABLE_TYPES: readonly SearchableType[] = ['CONTACT', 'ACCOUNT', 'LEAD'];

const SPECS: Record<RecordTable, EntitySpec> = { Account: accountSpec, Contact: contactSpec, Lead: leadSpec };

export interface SearchArgs {
  query: string;
  types?: readonly SearchableType[] | null;
  first?: number | null;
  /** The caller's read scope per record type (`scopeWhere` in context.ts). */
  scopes: Record<SearchableType, Where>;
}

/** The record of a hit, as the entity loaders return it. */
export type SearchHitRecord = { type: 'CONTACT'; record: ContactModel } | { type: 'ACCOUNT'; record: AccountModel } | { type: 'LEAD'; record: LeadModel };

export type SearchHit = SearchHitRecord & {
  id: string;
  score: number;
  matchedField: SearchField;
  matchedText: string;
  highlights: TextRange[];
};

export interface SearchService {
  /** Hits ranked best first; BAD_USER_INPUT for an empty or overlong query, bad `types` or `first`. */
  search(db: TenantDb, args: SearchArgs): Promise<SearchHit[]>;
}

interface Row {
  type: SearchableType;
  id: string;
  score: number;
  f0: string | null;
  f1: string | null;
  f2: string | null;
  /** The record's JSON (see lib/record-json.ts). */
  record: string;
}

/** How each type's records travel in the search statement. */
export type SearchRecords = Record<SearchableType, RecordJson>;

/** The record JSON of every searchable type, from the client's runtime data model. */
export function searchRecords(prisma: PrismaClient): SearchRecords {
  const dataModel = (prisma as unknown as { _runtimeDataModel: RuntimeDataModel })._runtimeDataModel;
  return { CONTACT: recordJson(dataModel, 'Contact'), ACCOUNT: recordJson(dataModel, 'Account'), LEAD: recordJson(dataModel, 'Lead') };
}

/** Validated `types` (all by default) and `first` (1 to 50, default 20). */
export function searchOptions(types: readonly SearchableType[] | null | undefined, first: number | null | undefined) {
  if (types && types.length === 0) throw badInput('types: must name at least one type (or be left out for all)', 'types');
  const size = first ?? 20;
  if (!Number.isInteger(size) || size < 1 || size > MAX_SEARCH_HITS) throw badInput(`first: must be between 1 and ${MAX_SEARCH_HITS}`, 'first');
  return { types: SEARCHABLE_TYPES.filter((type) => !types || types.includes(type)), first: size };
}

/**
 * Most rows of one record type a search ranks: the first this many matches found (by words and
 * prefixes, or by similar names). A short prefix or a common name can match thousands of records;
 * fetching and ranking them all would make one search cost as much as a full scan, for a first
 * page picked among many equally good matches. Past this many, which of them are ranked is up to
 * the scan order.
 */
export const MAX_CANDIDATES = 200;

interface TypeQueries {
  /** Best word and prefix matches of the type. */
  words: { name: string; sql: Prisma.Sql };
  /** Best similar names of the type (trigram), to run only when no record matches by words. */
  similar: (wordCtes: readonly string[]) => { name: string; sql: Prisma.Sql };
}

/**
 * The CTEs of one record type. Each reads at most {@link MAX_CANDIDATES} matching rows (a LIMITed
 * scan stops there), computes their score and keeps the best `first`.
 */
function typeQueries(type: SearchableType, text: SearchText, scope: Where, first: number, record: RecordJson): TypeQueries {
  const doc = SEARCH_DOCUMENTS[type];
  const a = 't';
  const document = Prisma.raw(doc.document(a));
  const web = Prisma.sql`websearch_to_tsquery('simple'::regconfig, ${text.text})`;
  const prefix = Prisma.sql`to_tsquery('simple'::regconfig, ${text.prefixQuery})`;
  const fields = Array.from({ length: MAX_FIELDS }, (_, index) => {
    const field = doc.fields[index];
    return field ? Prisma.sql`(${Prisma.raw(field.sql(a))})::text AS ${Prisma.raw(`f${index}`)}` : Prisma.raw(`NULL::text AS f${index}`);
  });
  const from = Prisma.sql`FROM ${Prisma.raw(`"${doc.table}" ${a}`)}
    WHERE t."tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid AND t."deletedAt" IS NULL
      AND ${whereToSql(SPECS[doc.table], doc.table, a, scope, SPECS)}`;
  // the whole row travels to the best `first`, which alone get their record JSON
  const best = (score: Prisma.Sql, match: Prisma.Sql) => Prisma.sql`SELECT type, id, score, f0, f1, f2, ${Prisma.raw(record.sql('ranked.rec'))} AS record FROM (
      SELECT * FROM (
        SELECT ${type}::text AS type, t.id, (${score})::float8 AS score, ${Prisma.join(fields)}, t AS rec
        ${from} AND ${match}
        LIMIT ${MAX_CANDIDATES}
      ) candidates ORDER BY score DESC, id LIMIT ${first}
    ) ranked`;
  const words = {
    name: `${type.toLowerCase()}_words`,
    sql: best(Prisma.sql`ts_rank_cd(${document}, ${web}) + 0.5 * ts_rank(${document}, ${prefix})`, Prisma.sql`(${document} @@ ${web} OR ${document} @@ ${prefix})`),
  };
  const similar = (wordCtes: readonly string[]) => {
    const similarity = Prisma.sql`0.5 * greatest(${Prisma.join(doc.fuzzy(a).map((expr) => Prisma.sql`word_similarity(${text.fuzzy}, ${Prisma.raw(expr)})`))})`;
    const near = Prisma.join(
      doc.fuzzy(a).map((expr) => Prisma.sql`${text.fuzzy} <% ${Prisma.raw(expr)}`),
      ' OR ',
    );
    // PostgreSQL checks the NOT EXISTS once, before the scan, and skips the scan when words matched.
    const none = Prisma.raw(`NOT EXISTS (${wordCtes.map((cte) => `SELECT 1 FROM ${cte}`).join(' UNION ALL ')})`);
    return { name: `${type.toLowerCase()}_similar`, sql: best(similarity, Prisma.sql`(${near}) AND ${none}`) };
  };
  return { words, similar };
}

/**
 * The SQL of one search (exported for the benchmark and tests): per type, the best word and prefix
 * matches; where pg_trgm is installed and no record of any requested type matches by words or
 * prefixes, per type the most similar names instead (typos).
 */
export function searchSql(
  text: SearchText,
  types: readonly SearchableType[],
  first: number,
  scopes: Record<SearchableType, Where>,
  fuzzy: boolean,
  records: SearchRecords,
): Prisma.Sql {
  const perType = types.map((type) => typeQueries(type, text, scopes[type], first, records[type]));
  const words = perType.map((queries) => queries.words);
  const parts = fuzzy ? [...words, ...perType.map((queries) => queries.similar(words.map((part) => part.name)))] : words;
  const ctes = Prisma.join(parts.map((part) => Prisma.sql`${Prisma.raw(part.name)} AS (${part.sql})`), ', ');
  const hits = Prisma.join(parts.map((part) => Prisma.raw(`SELECT * FROM ${part.name}`)), ' UNION ALL ');
  return Prisma.sql`WITH ${ctes} SELECT type, id::text AS id, score, f0, f1, f2, record FROM (${hits}) hits ORDER BY score DESC, type, id LIMIT ${first}`;
}

/**
 * Which field of a hit the query's words were found in: the one with the most highlighted words
 * (the earlier field on a tie), or the name when the record matched only by a similar name.
 */
type Match = Pick<SearchHit, 'matchedField' | 'matchedText' | 'highlights'>;

function matched(type: SearchableType, row: Row, words: readonly string[]): Match {
  const values = [row.f0, row.f1, row.f2];
  const fields = SEARCH_DOCUMENTS[type].fields;
  let best: Match = { matchedField: fields[0]!.field, matchedText: row.f0 ?? '', highlights: [] };
  for (const [index, { field }] of fields.entries()) {
    const text = values[index];
    const ranges = text ? highlights(text, words) : [];
    if (text && ranges.length > best.highlights.length) best = { matchedField: field, matchedText: text, highlights: ranges };
  }
  return best;
}

export function createSearchService({ prisma }: { prisma: PrismaClient }): SearchService {
  let trigram: Promise<boolean> | undefined;
  /** Whether pg_trgm is installed (checked once per process; not in embedded PGlite). */
  const hasTrigram = () =>
    (trigram ??= prisma.$queryRaw<{ ok: boolean }[]>`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') AS ok`.then(
      (rows) => rows[0]?.ok === true,
    ));

  let records: SearchRecords | undefined;
  /** The record of a hit, typed by its type (the JSON holds the model's fields, see lib/record-json.ts). */
  const hitRecord = (row: Row): SearchHitRecord => {
    const record = (records ??= searchRecords(prisma))[row.type].decode(row.record);
    if (row.type === 'CONTACT') return { type: row.type, record: record as ContactModel };
    if (row.type === 'ACCOUNT') return { type: row.type, record: record as AccountModel };
    return { type: row.type, record: record as LeadModel };
  };

  return {
    async search(db, args) {
      const text = parseSearchText(args.query);
      const { types, first } = searchOptions(args.types, args.first);
      const fuzzy = text.fuzzy.length >= MIN_FUZZY_LENGTH && (await hasTrigram());
      const sql = searchSql(text, types, first, args.scopes, fuzzy, (records ??= searchRecords(prisma)));
      // a batch transaction: the tenant setting and the statement in one round trip, no interactive transaction
      const [rows] = await db.$transaction([db.$queryRaw<Row[]>(sql)]);
      return rows.map((row) => ({ ...hitRecord(row), id: row.id, score: row.score, ...matched(row.type, row, text.words) }));
    },
  };
}
