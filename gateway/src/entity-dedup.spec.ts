import { describe, expect, it } from 'vitest';
import { dedupeRepresentations, expandEntities } from './entity-dedup.ts';

const user = (id: string) => ({ __typename: 'User', id });

describe('entity representation deduplication', () => {
  it('sends each distinct representation once and restores every position', () => {
    const reps = [user('a'), user('b'), user('a'), user('c'), user('b')];
    const deduped = dedupeRepresentations(reps)!;
    expect(deduped.unique).toEqual([user('a'), user('b'), user('c')]);
    const answer = { data: { _entities: [{ name: 'A' }, { name: 'B' }, null] } };
    expect(expandEntities(answer, deduped).data?._entities).toEqual([{ name: 'A' }, { name: 'B' }, { name: 'A' }, null, { name: 'B' }]);
  });

  it('leaves requests without duplicates alone', () => {
    expect(dedupeRepresentations([user('a'), user('b')])).toBeNull();
  });

  it('repeats an entity error at every position that asked for it', () => {
    const deduped = dedupeRepresentations([user('a'), user('b'), user('a')])!;
    const answer = {
      data: { _entities: [null, { name: 'B' }] },
      errors: [{ message: 'Not allowed', path: ['_entities', 0, 'name'] }, { message: 'other' }],
    };
    const expanded = expandEntities(answer, deduped);
    expect(expanded.errors?.map((e) => e.path)).toEqual([['_entities', 0, 'name'], ['_entities', 2, 'name'], undefined]);
    expect(expanded.data?._entities).toEqual([null, { name: 'B' }, null]);
  });
});
