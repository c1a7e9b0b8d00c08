import { describe, expect, it } from 'vitest';
import { listReducer, pageVariables, searchFilter, type ListState } from './list-query.ts';

const initial: ListState<'NAME' | 'CREATED_AT'> = { search: '', choice: '', sort: { field: 'CREATED_AT', direction: 'DESC' }, page: { after: 'c1' } };

describe('listReducer', () => {
  it('starts again at the first page when the filter changes', () => {
    expect(listReducer(initial, { type: 'search', search: 'ada' })).toMatchObject({ search: 'ada', page: null });
    expect(listReducer(initial, { type: 'choice', choice: 'LEAD' })).toMatchObject({ choice: 'LEAD', page: null });
    expect(listReducer(initial, { type: 'search', search: '' })).toBe(initial);
  });

  it('sorts a new field ascending and flips the direction of the current one', () => {
    const byName = listReducer(initial, { type: 'sort', field: 'NAME' });
    expect(byName.sort).toEqual({ field: 'NAME', direction: 'ASC' });
    expect(byName.page).toBeNull();
    expect(listReducer(byName, { type: 'sort', field: 'NAME' }).sort).toEqual({ field: 'NAME', direction: 'DESC' });
  });

  it('pages forward after the end cursor and back before the start cursor', () => {
    expect(listReducer(initial, { type: 'next', endCursor: 'c9' }).page).toEqual({ after: 'c9' });
    expect(listReducer(initial, { type: 'previous', startCursor: 'c2' }).page).toEqual({ before: 'c2' });
  });
});

describe('pageVariables', () => {
  it('maps pages to Relay arguments', () => {
    expect(pageVariables(null, 10)).toEqual({ first: 10 });
    expect(pageVariables({ after: 'x' }, 10)).toEqual({ first: 10, after: 'x' });
    expect(pageVariables({ before: 'y' }, 10)).toEqual({ last: 10, before: 'y' });
  });
});

describe('searchFilter', () => {
  it('matches the trimmed text in any field, with extra conditions', () => {
    expect(searchFilter('  ada ', ['firstName', 'email'], [{ lifecycleStage: { eq: 'LEAD' } }])).toEqual({
      and: [{ lifecycleStage: { eq: 'LEAD' } }, { or: [{ firstName: { contains: 'ada' } }, { email: { contains: 'ada' } }] }],
    });
  });

  it('is undefined when there is nothing to filter on', () => {
    expect(searchFilter('   ', ['name'])).toBeUndefined();
  });
});
