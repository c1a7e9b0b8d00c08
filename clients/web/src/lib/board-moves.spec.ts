import { describe, expect, it } from 'vitest';
import { boardMovesReducer, currentDealOf, INITIAL_MOVES } from './board-moves.ts';

describe('boardMovesReducer', () => {
  it('marks a move pending until the API answers', () => {
    const started = boardMovesReducer(INITIAL_MOVES, { type: 'started', dealId: 'd1', toStageId: 's2' });
    expect(started.pending).toEqual({ d1: 's2' });

    const done = boardMovesReducer(started, { type: 'succeeded', dealId: 'd1' });
    expect(done.pending).toEqual({});
    expect(done.notices).toEqual([]);
  });

  it('explains a conflict with where the deal is now', () => {
    const started = boardMovesReducer(INITIAL_MOVES, { type: 'started', dealId: 'd1', toStageId: 's2' });
    const conflicted = boardMovesReducer(started, { type: 'conflicted', dealId: 'd1', dealName: 'Globex renewal', currentStageName: 'Won' });

    expect(conflicted.pending).toEqual({});
    expect(conflicted.notices).toEqual([
      { dealId: 'd1', dealName: 'Globex renewal', kind: 'conflict', message: '“Globex renewal” was changed by someone else before your move. It is now in Won.' },
    ]);
  });

  it('says when the deal left the board, keeps one notice per deal, newest first', () => {
    let state = boardMovesReducer(INITIAL_MOVES, { type: 'failed', dealId: 'd1', dealName: 'A', message: 'first' });
    state = boardMovesReducer(state, { type: 'conflicted', dealId: 'd2', dealName: 'B', currentStageName: null });
    state = boardMovesReducer(state, { type: 'failed', dealId: 'd1', dealName: 'A', message: 'second' });

    expect(state.notices.map((n) => [n.dealId, n.message])).toEqual([
      ['d1', 'second'],
      ['d2', '“B” was changed by someone else before your move. It is no longer on this board.'],
    ]);
  });

  it('clears a deal’s notice when it is dismissed or moved again', () => {
    const failed = boardMovesReducer(INITIAL_MOVES, { type: 'failed', dealId: 'd1', dealName: 'A', message: 'nope' });
    expect(boardMovesReducer(failed, { type: 'dismissed', dealId: 'd1' }).notices).toEqual([]);
    expect(boardMovesReducer(failed, { type: 'started', dealId: 'd1', toStageId: 's3' }).notices).toEqual([]);
  });
});

describe('currentDealOf', () => {
  it('reads the current values of a CONFLICT', () => {
    expect(currentDealOf({ code: 'CONFLICT', current: { stageId: 's9', version: 4, status: 'OPEN', name: 'x' } })).toEqual({
      stageId: 's9',
      version: 4,
      status: 'OPEN',
    });
  });

  it('is null without current values, and tolerates odd ones', () => {
    expect(currentDealOf({ code: 'CONFLICT' })).toBeNull();
    expect(currentDealOf(undefined)).toBeNull();
    expect(currentDealOf({ current: { stageId: 7 } })).toEqual({ stageId: null, version: null, status: null });
  });
});
