/**
 * Error messages never hint at the schema: graphql-js appends field, argument and enum
 * suggestions ("Did you mean …?") to validation and variable errors, which lets anyone map
 * fields they cannot see (e.g. with introspection off). The suggestion is cut, the error stays.
 */
import type { GraphQLFormattedError } from '../graphql.ts';

export interface HideSuggestionsOptions {
  /** Keep suggestions (e.g. while developing). Default false. */
  keep?: boolean;
}

const SUGGESTION = /\s*Did you mean [\s\S]*\?\s*$/;

/** Removes a trailing "Did you mean …?" from a message. */
export function withoutSuggestion(message: string): string {
  return message.replace(SUGGESTION, '');
}

/** A `formatError` step that strips suggestions from every error message. */
export function useHideSuggestions(options: HideSuggestionsOptions = {}) {
  return (formatted: GraphQLFormattedError): GraphQLFormattedError => {
    if (options.keep || !formatted.message.includes('Did you mean')) return formatted;
    return { ...formatted, message: withoutSuggestion(formatted.message) };
  };
}
