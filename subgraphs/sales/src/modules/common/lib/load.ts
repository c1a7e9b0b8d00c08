import type DataLoader from 'dataloader';

/**
 * Loads a row another row refers to by foreign key (a deal's stage, a stage's pipeline).
 * Its absence is a broken invariant, not a caller error, so it surfaces as an internal error.
 */
export async function loadReferenced<T>(loader: DataLoader<string, T | null>, id: string, what: string): Promise<T> {
  const row = await loader.load(id);
  if (row === null) throw new Error(`${what} ${id} is referenced but missing`);
  return row;
}
