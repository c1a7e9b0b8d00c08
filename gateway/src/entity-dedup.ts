/**
 * Entity representation deduplication.
 *
 * `@apollo/gateway` sends one representation per occurrence: 200 deals owned by 5 people become
 * 200 `User` representations. We send each distinct representation once and fan the answers back
 * out to the positions the query plan expects (errors included), so subgraphs and the network
 * carry only the distinct entities.
 */
import type { GraphQLFormattedError } from './graphql.ts';

export interface DedupedRepresentations {
  /** Distinct representations, in first-seen order. */
  unique: unknown[];
  /** For each original position, its index in `unique`. */
  positions: number[];
}

/** Returns null when there is nothing to gain (no duplicates). */
export function dedupeRepresentations(representations: readonly unknown[]): DedupedRepresentations | null {
  const index = new Map<string, number>();
  const unique: unknown[] = [];
  const positions: number[] = new Array(representations.length);
  for (let i = 0; i < representations.length; i++) {
    const representation = representations[i];
    const key = keyOf(representation);
    let at = index.get(key);
    if (at === undefined) {
      at = unique.length;
      index.set(key, at);
      unique.push(representation);
    }
    positions[i] = at;
  }
  return unique.length < representations.length ? { unique, positions } : null;
}

/**
 * The identity of a representation: `__typename` and `id` for the common `{ __typename, id }`
 * (no serialization per entity on large lists), else its JSON text.
 */
function keyOf(representation: unknown): string {
  if (representation && typeof representation === 'object') {
    const { __typename, id } = representation as Record<string, unknown>;
    if (typeof __typename === 'string' && typeof id === 'string' && Object.keys(representation).length === 2) return `${__typename}\u0000${id}`;
  }
  return JSON.stringify(representation);
}

interface EntitiesResult {
  data?: { _entities?: unknown[] | null } | null;
  errors?: readonly GraphQLFormattedError[];
}

/** Expands a response for the distinct representations back to the original positions. */
export function expandEntities<R extends EntitiesResult>(result: R, deduped: DedupedRepresentations): R {
  const entities = result.data?._entities;
  const expanded: R = { ...result };
  if (Array.isArray(entities)) {
    expanded.data = { ...result.data, _entities: deduped.positions.map((at) => entities[at] ?? null) };
  }
  if (result.errors?.length) {
    const originals = new Map<number, number[]>();
    deduped.positions.forEach((at, i) => {
      const list = originals.get(at);
      if (list) list.push(i);
      else originals.set(at, [i]);
    });
    expanded.errors = result.errors.flatMap((error) => {
      const [root, at, ...rest] = error.path ?? [];
      if (root !== '_entities' || typeof at !== 'number') return [error];
      return (originals.get(at) ?? [at]).map((i) => ({ ...error, path: [root, i, ...rest] }));
    });
  }
  return expanded;
}
