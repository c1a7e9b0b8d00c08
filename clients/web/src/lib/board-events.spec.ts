import { describe, expect, it } from 'vitest';
import { applyBoardEvent, DealSequenceTracker } from './board-events.ts';

interface Deal {
  id: string;
  stage: string;
}

const board: Deal[] = [
  { id: 'a', stage: 'lead' },
  { id: 'b', stage: 'lead' },
];

describe('applyBoardEvent', () => {
  it('replaces a deal in place when it changes', () => {
    const next = applyBoardEvent(board, { sequence: '5', dealId: 'a', deal: { id: 'a', stage: 'won' } });

    expect(next).toEqual([
      { id: 'a', stage: 'won' },
      { id: 'b', stage: 'lead' },
    ]);
    expect(board[0]).toEqual({ id: 'a', stage: 'lead' });
  });

  it('appends a deal new to the board', () => {
    const next = applyBoardEvent(board, { sequence: '6', dealId: 'c', deal: { id: 'c', stage: 'lead' } });

    expect(next.map((d) => d.id)).toEqual(['a', 'b', 'c']);
  });

  it('removes a deal the viewer may no longer see, and returns the same list otherwise', () => {
    expect(applyBoardEvent(board, { sequence: '7', dealId: 'b', deal: null }).map((d) => d.id)).toEqual(['a']);
    expect(applyBoardEvent(board, { sequence: '8', dealId: 'zzz', deal: null })).toBe(board);
  });
});

describe('DealSequenceTracker', () => {
  it('skips a redelivered or older event of the same deal', () => {
    const tracker = new DealSequenceTracker();

    expect(tracker.accept({ dealId: 'a', sequence: '10' })).toBe(true);
    expect(tracker.accept({ dealId: 'a', sequence: '10' })).toBe(false);
    expect(tracker.accept({ dealId: 'a', sequence: '9' })).toBe(false);
    expect(tracker.accept({ dealId: 'a', sequence: '11' })).toBe(true);
  });

  it('orders events per deal only, since different deals may arrive interleaved', () => {
    const tracker = new DealSequenceTracker();

    expect(tracker.accept({ dealId: 'b', sequence: '21' })).toBe(true);
    expect(tracker.accept({ dealId: 'a', sequence: '20' })).toBe(true);
  });

  it('compares 64-bit sequences exactly and forgets everything on reset', () => {
    const tracker = new DealSequenceTracker();

    expect(tracker.accept({ dealId: 'a', sequence: '9007199254740993' })).toBe(true);
    expect(tracker.accept({ dealId: 'a', sequence: '9007199254740992' })).toBe(false);
    tracker.reset();
    expect(tracker.accept({ dealId: 'a', sequence: '1' })).toBe(true);
  });
});
