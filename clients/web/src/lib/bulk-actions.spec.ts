import { describe, expect, it } from 'vitest';
import {
  chunksOf,
  countOf,
  NO_SELECTION,
  outcomesOfUpsert,
  pageSelection,
  reportSummary,
  runBulk,
  selectionReducer,
  tagOf,
  withTag,
  type ItemOutcome,
  type SelectedItem,
} from './bulk-actions.ts';

const ada: SelectedItem = { id: 'a', name: 'Ada' };
const bob: SelectedItem = { id: 'b', name: 'Bob' };
const cy: SelectedItem = { id: 'c', name: 'Cy' };

describe('selectionReducer', () => {
  it('toggles one row in and out', () => {
    const one = selectionReducer(NO_SELECTION, { type: 'toggle', item: ada });
    expect([...one.keys()]).toEqual(['a']);
    expect(selectionReducer(one, { type: 'toggle', item: ada }).size).toBe(0);
  });

  it('selects and unselects a whole page, keeping rows of other pages', () => {
    const other = selectionReducer(NO_SELECTION, { type: 'toggle', item: cy });
    const page = selectionReducer(other, { type: 'page', items: [ada, bob], selected: true });
    expect([...page.keys()]).toEqual(['c', 'a', 'b']);
    expect([...selectionReducer(page, { type: 'page', items: [ada, bob], selected: false }).keys()]).toEqual(['c']);
  });

  it('removes ids and clears, returning the same state when nothing changes', () => {
    const all = selectionReducer(NO_SELECTION, { type: 'page', items: [ada, bob, cy], selected: true });
    expect([...selectionReducer(all, { type: 'remove', ids: ['a', 'c'] }).keys()]).toEqual(['b']);
    expect(selectionReducer(all, { type: 'remove', ids: ['zz'] })).toBe(all);
    expect(selectionReducer(all, { type: 'clear' }).size).toBe(0);
    expect(selectionReducer(NO_SELECTION, { type: 'clear' })).toBe(NO_SELECTION);
  });
});

describe('pageSelection', () => {
  const selected = selectionReducer(NO_SELECTION, { type: 'toggle', item: ada });
  it('says none, some or all of the page', () => {
    expect(pageSelection(selected, ['b', 'c'])).toBe('none');
    expect(pageSelection(selected, ['a', 'b'])).toBe('some');
    expect(pageSelection(selected, ['a'])).toBe('all');
    expect(pageSelection(selected, [])).toBe('none');
  });
});

describe('countOf', () => {
  it('uses the singular for one', () => {
    expect(countOf(1, 'contacts')).toBe('1 contact');
    expect(countOf(3, 'leads')).toBe('3 leads');
    expect(countOf(0, 'accounts')).toBe('0 accounts');
  });
});

describe('chunksOf', () => {
  it('splits into chunks the API accepts', () => {
    expect(chunksOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunksOf(Array.from({ length: 250 }, (_, i) => i)).map((c) => c.length)).toEqual([100, 100, 50]);
    expect(chunksOf([], 3)).toEqual([]);
    expect(() => chunksOf([1], 0)).toThrow(RangeError);
  });
});

describe('tags', () => {
  it('trims the tag and refuses an empty one', () => {
    expect(tagOf('  key   account ')).toBe('key account');
    expect(tagOf('   ')).toBeNull();
  });

  it('adds a tag after the existing ones, once whatever its case', () => {
    expect(withTag(['vip'], 'event-2026')).toEqual(['vip', 'event-2026']);
    expect(withTag(['VIP', 'x'], 'vip')).toEqual(['VIP', 'x']);
    expect(withTag([], 'new')).toEqual(['new']);
  });
});

describe('outcomesOfUpsert', () => {
  it('matches results to inputs by index, failed ones with the API’s words', () => {
    const outcomes = outcomesOfUpsert(3, [
      { index: 2, outcome: 'UPDATED', error: null },
      { index: 0, outcome: 'FAILED', error: { code: 'NOT_FOUND', message: 'No contact with this id.' } },
    ]);
    expect(outcomes).toEqual([
      { ok: false, code: 'NOT_FOUND', message: 'No contact with this id.' },
      { ok: false, code: 'INTERNAL', message: 'The server did not report on this record.' },
      { ok: true },
    ]);
  });
});

describe('runBulk', () => {
  const describeError = (error: unknown) => ({ code: 'FORBIDDEN', message: error instanceof Error ? error.message : String(error) });

  it('sends chunks and reports each item', async () => {
    const calls: string[][] = [];
    const report = await runBulk(
      [ada, bob, cy],
      (chunk) => {
        calls.push(chunk.map((i) => i.id));
        return Promise.resolve(chunk.map((i): ItemOutcome => (i.id === 'b' ? { ok: false, code: 'CONFLICT', message: 'Taken.' } : { ok: true })));
      },
      describeError,
      2,
    );
    expect(calls).toEqual([['a', 'b'], ['c']]);
    expect(report).toEqual({ succeeded: ['a', 'c'], failures: [{ id: 'b', name: 'Bob', code: 'CONFLICT', message: 'Taken.' }] });
  });

  it('sends a refused chunk again item by item so that each gets its own answer', async () => {
    const calls: string[][] = [];
    const report = await runBulk(
      [ada, bob, cy],
      (chunk) => {
        calls.push(chunk.map((i) => i.id));
        if (chunk.some((i) => i.id === 'b')) return Promise.reject(new Error('Not yours to delete.'));
        return Promise.resolve(chunk.map((): ItemOutcome => ({ ok: true })));
      },
      describeError,
    );
    expect(calls).toEqual([['a', 'b', 'c'], ['a'], ['b'], ['c']]);
    expect(report).toEqual({ succeeded: ['a', 'c'], failures: [{ id: 'b', name: 'Bob', code: 'FORBIDDEN', message: 'Not yours to delete.' }] });
  });

  it('does not send a refused single item twice', async () => {
    let calls = 0;
    const report = await runBulk(
      [ada],
      () => {
        calls += 1;
        return Promise.reject(new Error('Down.'));
      },
      describeError,
    );
    expect(calls).toBe(1);
    expect(report.failures).toEqual([{ id: 'a', name: 'Ada', code: 'FORBIDDEN', message: 'Down.' }]);
  });
});

describe('reportSummary', () => {
  it('says how many succeeded and failed', () => {
    expect(reportSummary({ succeeded: ['a', 'b', 'c'], failures: [] }, 'contacts', 'assigned')).toBe('3 contacts assigned.');
    expect(reportSummary({ succeeded: ['a'], failures: [] }, 'contacts', 'moved to the trash')).toBe('1 contact moved to the trash.');
    const failure = { id: 'b', name: 'Bob', code: 'FORBIDDEN', message: 'No.' };
    expect(reportSummary({ succeeded: ['a', 'c'], failures: [failure] }, 'leads', 'moved to the trash')).toBe('2 of 3 leads moved to the trash; 1 failed.');
    expect(reportSummary({ succeeded: [], failures: [failure] }, 'accounts', 'assigned')).toBe('The account was not assigned.');
    expect(reportSummary({ succeeded: [], failures: [failure, { ...failure, id: 'c' }] }, 'accounts', 'assigned')).toBe('None of the 2 accounts were assigned.');
  });
});
