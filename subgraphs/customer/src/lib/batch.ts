/**
 * Batch writes with per-item results: each item runs on its own, in input order, and an expected
 * failure (BAD_USER_INPUT, NOT_FOUND, CONFLICT, FORBIDDEN) is reported for that item instead of failing the call.
 */
import { GraphQLError } from 'graphql';
import { badInput } from '@crm/runtime';
import { MAX_BATCH_ITEMS } from './records.ts';

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

const ITEM_CODES = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN']);

/** Runs `write` for each item (at most 100); unexpected failures are reported as INTERNAL_SERVER_ERROR. */
export async function runBatch<I, T>(
  inputs: readonly I[],
  write: (input: I, index: number) => Promise<{ outcome: 'CREATED' | 'UPDATED'; record: T }>,
  onInternal?: (error: unknown) => void,
): Promise<BatchResult<T>[]> {
  if (inputs.length > MAX_BATCH_ITEMS) throw badInput(`inputs: at most ${MAX_BATCH_ITEMS} items per call`, 'inputs');
  const results: BatchResult<T>[] = [];
  for (const [index, input] of inputs.entries()) {
    try {
      const { outcome, record } = await write(input, index);
      results.push({ index, outcome, record, error: null });
    } catch (error) {
      const code = error instanceof GraphQLError ? error.extensions.code : undefined;
      if (typeof code === 'string' && ITEM_CODES.has(code)) {
        const field = (error as GraphQLError).extensions.field;
        results.push({ index, outcome: 'FAILED', record: null, error: { code, message: (error as GraphQLError).message, field: typeof field === 'string' ? field : null } });
      } else {
        onInternal?.(error);
        results.push({ index, outcome: 'FAILED', record: null, error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error', field: null } });
      }
    }
  }
  return results;
}
