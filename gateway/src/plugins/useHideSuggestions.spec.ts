import { describe, expect, it } from 'vitest';
import { useHideSuggestions, withoutSuggestion } from './useHideSuggestions.ts';

describe('useHideSuggestions', () => {
  it('cuts field, argument and enum suggestions', () => {
    expect(withoutSuggestion('Cannot query field "nam" on type "Deal". Did you mean "name"?')).toBe('Cannot query field "nam" on type "Deal".');
    expect(withoutSuggestion('Unknown argument "frist" on field "Query.deals". Did you mean "first"?')).toBe('Unknown argument "frist" on field "Query.deals".');
    expect(withoutSuggestion('Variable "$role" got invalid value "REP"; Value "REP" does not exist in "Role" enum. Did you mean the enum value "SALES_REP"?')).toBe(
      'Variable "$role" got invalid value "REP"; Value "REP" does not exist in "Role" enum.',
    );
  });

  it('leaves other messages and the rest of the error alone', () => {
    const format = useHideSuggestions();
    const error = { message: 'Deal 1 not found', extensions: { code: 'NOT_FOUND' } };
    expect(format(error)).toBe(error);
    expect(format({ message: 'Cannot query field "x" on type "Y". Did you mean "z"?', path: ['a'], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })).toEqual({
      message: 'Cannot query field "x" on type "Y".',
      path: ['a'],
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('keeps suggestions when asked to', () => {
    const message = 'Cannot query field "x" on type "Y". Did you mean "z"?';
    expect(useHideSuggestions({ keep: true })({ message }).message).toBe(message);
  });
});
