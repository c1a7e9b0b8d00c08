/**
 * Bulk actions on a list: which rows are selected, how a batch is sent to the API (in chunks the
 * API accepts, and item by item when an all-or-nothing batch is refused, so that each record gets
 * its own answer), and the words of the report shown afterwards.
 */

/** A selected row: its id and the name it is reported by. */
export interface SelectedItem {
  id: string;
  name: string;
}

/** Selected rows by id, in the order they were selected. */
export type Selection = ReadonlyMap<string, SelectedItem>;

export const NO_SELECTION: Selection = new Map();

export type SelectionAction =
  | { type: 'toggle'; item: SelectedItem }
  /** Selects every row of the page, or takes them all out of the selection. */
  | { type: 'page'; items: readonly SelectedItem[]; selected: boolean }
  | { type: 'remove'; ids: readonly string[] }
  | { type: 'clear' };

export function selectionReducer(state: Selection, action: SelectionAction): Selection {
  switch (action.type) {
    case 'toggle': {
      const next = new Map(state);
      if (next.has(action.item.id)) next.delete(action.item.id);
      else next.set(action.item.id, action.item);
      return next;
    }
    case 'page': {
      const next = new Map(state);
      for (const item of action.items) {
        if (action.selected) next.set(item.id, item);
        else next.delete(item.id);
      }
      return next;
    }
    case 'remove': {
      if (!action.ids.some((id) => state.has(id))) return state;
      const next = new Map(state);
      for (const id of action.ids) next.delete(id);
      return next;
    }
    case 'clear':
      return state.size === 0 ? state : NO_SELECTION;
  }
}

/** Whether none, some or all rows of a page are selected (the page's checkbox shows it). */
export function pageSelection(selection: Selection, pageIds: readonly string[]): 'none' | 'some' | 'all' {
  const count = pageIds.filter((id) => selection.has(id)).length;
  if (count === 0) return 'none';
  return count === pageIds.length ? 'all' : 'some';
}

/** "1 contact", "3 contacts": `noun` is the plural. */
export function countOf(count: number, noun: string): string {
  return `${count} ${count === 1 ? singular(noun) : noun}`;
}

function singular(noun: string): string {
  return noun.endsWith('s') ? noun.slice(0, -1) : noun;
}

/** How many ids one call of the API accepts. */
export const BATCH_LIMIT = 100;

export function chunksOf<T>(items: readonly T[], size = BATCH_LIMIT): T[][] {
  if (size < 1) throw new RangeError('The chunk size must be at least 1.');
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** The trimmed tag, or null when there is nothing to add. */
export function tagOf(input: string): string | null {
  const tag = input.trim().replace(/\s+/g, ' ');
  return tag === '' ? null : tag;
}

/** The tags with `tag` added at the end; unchanged when it is already there (in any case). */
export function withTag(tags: readonly string[], tag: string): string[] {
  const lower = tag.toLowerCase();
  return tags.some((t) => t.toLowerCase() === lower) ? [...tags] : [...tags, tag];
}

/** What became of one item: done, or refused with the API's code and message. */
export type ItemOutcome = { ok: true } | { ok: false; code: string; message: string };

/** One item of a batch write's answer (`upsertContacts` and friends), in input order by `index`. */
export interface BatchItemResult {
  index: number;
  outcome: string;
  error?: { code: string; message: string } | null;
}

/** The outcome of each input from a batch write's results; an item without a result failed. */
export function outcomesOfUpsert(count: number, results: readonly BatchItemResult[]): ItemOutcome[] {
  const byIndex = new Map(results.map((r) => [r.index, r]));
  return Array.from({ length: count }, (_, index): ItemOutcome => {
    const result = byIndex.get(index);
    if (!result) return { ok: false, code: 'INTERNAL', message: 'The server did not report on this record.' };
    if (result.outcome === 'FAILED' || result.error) {
      return { ok: false, code: result.error?.code ?? 'INTERNAL', message: result.error?.message ?? 'The change was not saved.' };
    }
    return { ok: true };
  });
}

export interface BulkFailure {
  id: string;
  name: string;
  code: string;
  message: string;
}

export interface BulkReport {
  /** Ids done, in the order of the selection. */
  succeeded: string[];
  failures: BulkFailure[];
}

/**
 * Runs `send` over the items in chunks the API accepts. `send` answers one outcome per item, or
 * throws when the API refused the whole call (all-or-nothing writes such as `deleteContacts` do
 * when one id is refused): the chunk is then sent again item by item, so each gets its own answer.
 * `describe` turns a thrown error into the code and message shown for the item.
 */
export async function runBulk<T extends SelectedItem>(
  items: readonly T[],
  send: (chunk: readonly T[]) => Promise<readonly ItemOutcome[]>,
  describe: (error: unknown) => { code: string; message: string },
  size = BATCH_LIMIT,
): Promise<BulkReport> {
  const report: BulkReport = { succeeded: [], failures: [] };
  const record = (item: T, outcome: ItemOutcome | undefined) => {
    if (outcome?.ok) report.succeeded.push(item.id);
    else if (outcome) report.failures.push({ id: item.id, name: item.name, code: outcome.code, message: outcome.message });
    else report.failures.push({ id: item.id, name: item.name, code: 'INTERNAL', message: 'The server did not report on this record.' });
  };
  for (const chunk of chunksOf(items, size)) {
    let outcomes: readonly ItemOutcome[] | null = null;
    let failure: unknown = null;
    try {
      outcomes = await send(chunk);
    } catch (error) {
      failure = error;
    }
    if (outcomes) {
      chunk.forEach((item, index) => record(item, outcomes[index]));
    } else if (chunk.length === 1) {
      record(chunk[0]!, { ok: false, ...describe(failure) });
    } else {
      for (const item of chunk) {
        try {
          const [outcome] = await send([item]);
          record(item, outcome);
        } catch (error) {
          record(item, { ok: false, ...describe(error) });
        }
      }
    }
  }
  return report;
}

/** One sentence on a finished bulk action: "2 of 3 contacts moved to the trash; 1 failed." */
export function reportSummary(report: BulkReport, noun: string, done: string): string {
  const total = report.succeeded.length + report.failures.length;
  if (report.failures.length === 0) return `${countOf(total, noun)} ${done}.`;
  if (report.succeeded.length === 0) return total === 1 ? `The ${singular(noun)} was not ${done}.` : `None of the ${countOf(total, noun)} were ${done}.`;
  return `${report.succeeded.length} of ${countOf(total, noun)} ${done}; ${report.failures.length} failed.`;
}
