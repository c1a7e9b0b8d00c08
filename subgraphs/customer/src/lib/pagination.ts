/** Page sizes for list fields: `first` defaults to 50 and may not exceed 100. */
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@crm/db/list-query';
import { badInput } from '@crm/runtime';

/** Validates a `first` argument; throws BAD_USER_INPUT (field `first`) outside 0..100. */
export function pageSize(first: number | null | undefined): number {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 0 and ${MAX_PAGE_SIZE}`, 'first');
  }
  return size;
}
