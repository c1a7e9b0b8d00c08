/**
 * Batch writes with per-item results, shared by every subgraph's batch mutations: each item runs on
 * its own, in input order, and an expected failure (BAD_USER_INPUT, NOT_FOUND, CONFLICT, FORBIDDEN)
 * is reported for that item instead of failing the call.
 */
import { GraphQLError } from 'graphql';
import { badInput } from './errors.ts';

/** Most items per batch call. */
export const MAX_BATCH_ITEMS = 100;

export interface BatchItemError {
  code: string;
  message: string;
  field: string | null;
}

export interface BatchResult<T> {
  index: number;
  outcome: 'CREATED' | 'UPDATED' | 'FAILED';
  record: T | null;
  error: BatchItemError | null;
}

export interface BatchOptions {
  /** Turns an item's error field (e.g. `amount`) into the batch's (`inputs.3.amount`). Default: as the error names it. */
  fieldOf?: ((index: number, field: string | null) => string | null) | undefined;
  /** Called with unexpected failures (reported to the client as INTERNAL_SERVER_ERROR). */
  onInternal?: ((error: unknown) => void) | undefined;
}

const ITEM_CODES = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN']);

/** Runs `write` for each item (at most {@link MAX_BATCH_ITEMS}). */
export async function runBatch<I, T>(
  inputs: readonly I[],
  write: (input: I, index: number) => Promise<{ outcome: 'CREATED' | 'UPDATED'; record: T }>,
  { fieldOf = (_index, field) => field, onInternal }: BatchOptions = {},
): Promise<BatchResult<T>[]> {
  if (inputs.length > MAX_BATCH_ITEMS) throw badInput(`inputs: at most ${MAX_BATCH_ITEMS} items per call`, 'inputs');
  const results: BatchResult<T>[] = [];
  for (const [index, input] of inputs.entries()) {
    try {
      const { outcome, record } = await write(input, index);
      results.push({ index, outcome, record, error: null });
    } catch (error) {
      const code = error instanceof GraphQLError ? error.extensions.code : undefined;
      if (error instanceof GraphQLError && typeof code === 'string' && ITEM_CODES.has(code)) {
        const raw = error.extensions.field;
        results.push({ index, outcome: 'FAILED', record: null, error: { code, message: error.message, field: fieldOf(index, typeof raw === 'string' ? raw : null) } });
      } else {
        onInternal?.(error);
        results.push({ index, outcome: 'FAILED', record: null, error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error', field: null } });
      }
    }
  }
  return results;
}
