import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { erasureAnswerOf, subjectOf, subjectOfArguments, waitingFor } from './erasure.ts';

describe('erasure answers', () => {
  it('reads what a subgraph erased', () => {
    const erasureId = randomUUID();
    expect(erasureAnswerOf({ type: 'sales.personal_data.erased', payload: { erasureId, erased: { dealLinks: 2, activities: 3, odd: 'x' } } })).toEqual({
      subgraph: 'sales',
      erasureId,
      erased: { dealLinks: 2, activities: 3 },
    });
  });

  it('ignores other events and unknown subgraphs', () => {
    expect(erasureAnswerOf({ type: 'sales.deal.created', payload: {} })).toBeNull();
    expect(erasureAnswerOf({ type: 'analytics.personal_data.erased', payload: { erasureId: randomUUID() } })).toBeNull();
    expect(erasureAnswerOf({ type: 'platform.personal_data.erased', payload: { erasureId: 'nope' } })).toBeNull();
  });

  it('waits for every subgraph that holds personal data', () => {
    expect(waitingFor({})).toEqual(['sales', 'platform']);
    expect(waitingFor({ platform: {} })).toEqual(['sales']);
    expect(waitingFor({ sales: {}, platform: {} })).toEqual([]);
  });
});

describe('erasure subjects', () => {
  it('reads the subject of an erasure row and of the arguments (exactly one of contactId, userId)', () => {
    expect(subjectOf({ subjectType: 'CONTACT', contactId: 'c1', userId: null })).toEqual({ kind: 'CONTACT', id: 'c1' });
    expect(subjectOf({ subjectType: 'USER', contactId: null, userId: 'u1' })).toEqual({ kind: 'USER', id: 'u1' });
    expect(subjectOfArguments('c1', null)).toEqual({ kind: 'CONTACT', id: 'c1' });
    expect(subjectOfArguments(undefined, 'u1')).toEqual({ kind: 'USER', id: 'u1' });
    expect(subjectOfArguments('c1', 'u1')).toBeNull();
    expect(subjectOfArguments(null, undefined)).toBeNull();
  });
});
