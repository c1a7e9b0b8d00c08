/**
 * The text of a search: validation, the words it is made of (for prefix matching), and where
 * those words occur in a hit's text (highlights). Words are runs of letters and digits, compared
 * lowercased, which is how PostgreSQL's 'simple' text search configuration splits names too.
 */
import { badInput } from '@crm/runtime';

/** Longest query accepted, in characters. */
export const MAX_QUERY_LENGTH = 200;
/** Most words of a query used for prefix matching (the rest still count for full-text matching). */
export const MAX_QUERY_WORDS = 8;
/** Queries shorter than this (without spaces) skip trigram matching: too many near misses. */
export const MIN_FUZZY_LENGTH = 3;

const WORD = /[\p{L}\p{N}]+/gu;

export interface SearchText {
  /** The query as typed, trimmed, for `websearch_to_tsquery`. */
  text: string;
  /** Lowercased words. */
  words: string[];
  /** `to_tsquery` text matching records with a word starting with each query word. */
  prefixQuery: string;
  /** Lowercased query for trigram similarity. */
  fuzzy: string;
}

/** Validates a query; BAD_USER_INPUT (argument `query`) when empty, too long or without a word. */
export function parseSearchText(query: string): SearchText {
  const text = query.normalize('NFKC').trim();
  if (!text) throw badInput('query: must not be empty', 'query');
  if (text.length > MAX_QUERY_LENGTH) throw badInput(`query: must be at most ${MAX_QUERY_LENGTH} characters`, 'query');
  const words = [...new Set((text.toLowerCase().match(WORD) ?? []).slice(0, MAX_QUERY_WORDS))];
  if (words.length === 0) throw badInput('query: must contain a letter or digit', 'query');
  return { text, words, prefixQuery: words.map((word) => `${word}:*`).join(' & '), fuzzy: words.join(' ') };
}

export interface TextRange {
  start: number;
  length: number;
}

/** The words of `text` that start with one of `words`, as ranges (UTF-16 offsets into `text`). */
export function highlights(text: string, words: readonly string[]): TextRange[] {
  const ranges: TextRange[] = [];
  for (const match of text.matchAll(WORD)) {
    const lower = match[0].toLowerCase();
    const hit = words.filter((word) => lower.startsWith(word)).reduce((longest, word) => Math.max(longest, word.length), 0);
    if (hit > 0) ranges.push({ start: match.index, length: Math.min(hit, match[0].length) });
  }
  return ranges;
}
