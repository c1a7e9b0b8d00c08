import { describe, expect, it } from 'vitest';
import { buildSchema, parse } from '../graphql.ts';
import { csvChunks, PageErrors, type PageResult } from './pages.ts';
import { locateList } from './shape.ts';

const schema = buildSchema(/* GraphQL */ `
  type Query { items(first: Int, after: String): ItemConnection! }
  type ItemConnection { edges: [ItemEdge!]! pageInfo: PageInfo! }
  type ItemEdge { node: Item! }
  type Item { id: ID! label: String }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
`);
const location = locateList(schema, parse('query($after: String) { items(first: 2, after: $after) { edges { node { id label } } pageInfo { hasNextPage endCursor } } }'))!;

/** A fake list of `total` items served two per page, recording the variables of each call. */
function pagedRun(total: number) {
  const calls: Array<Record<string, unknown>> = [];
  const run = async (variables: Record<string, unknown>): Promise<PageResult> => {
    calls.push(variables);
    const start = typeof variables.after === 'string' ? Number(variables.after) : 0;
    const ids = Array.from({ length: Math.max(0, Math.min(2, total - start)) }, (_, i) => start + i);
    const end = start + ids.length;
    return { data: { items: { edges: ids.map((id) => ({ node: { id: String(id), label: `item, ${id}` } })), pageInfo: { hasNextPage: end < total, endCursor: ids.length ? String(end) : null } } } };
  };
  return { calls, run };
}

async function collect(chunks: AsyncGenerator<string>) {
  let out = '';
  for await (const chunk of chunks) out += chunk;
  return out;
}

describe('CSV export across pages', () => {
  it('follows endCursor through $after until hasNextPage is false, keeping the other variables', async () => {
    const { calls, run } = pagedRun(5);
    const csv = await collect(csvChunks({ location, variables: { region: 'EU' }, followCursors: true, run }));
    expect(csv).toBe('id,label\r\n0,"item, 0"\r\n1,"item, 1"\r\n2,"item, 2"\r\n3,"item, 3"\r\n4,"item, 4"\r\n');
    expect(calls).toEqual([{ region: 'EU' }, { region: 'EU', after: '2' }, { region: 'EU', after: '4' }]);
  });

  it('writes only the header for an empty list, and one page without $after', async () => {
    expect(await collect(csvChunks({ location, variables: {}, followCursors: true, run: pagedRun(0).run }))).toBe('id,label\r\n');
    const { calls, run } = pagedRun(5);
    expect(await collect(csvChunks({ location, variables: {}, followCursors: false, run }))).toBe('id,label\r\n0,"item, 0"\r\n1,"item, 1"\r\n');
    expect(calls).toHaveLength(1);
  });

  it('stops when a cursor comes back a second time', async () => {
    let calls = 0;
    const run = async (): Promise<PageResult> => {
      calls += 1;
      return { data: { items: { edges: [{ node: { id: 'x', label: null } }], pageInfo: { hasNextPage: true, endCursor: 'same' } } } };
    };
    expect(await collect(csvChunks({ location, variables: {}, followCursors: true, run }))).toBe('id,label\r\nx,\r\nx,\r\n');
    expect(calls).toBe(2);
  });

  it('fails with the errors of a failed page', async () => {
    const { run } = pagedRun(5);
    const failing = async (variables: Record<string, unknown>): Promise<PageResult> =>
      variables.after === '2' ? { errors: [{ message: 'Too expensive', extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE' } }] } : run(variables);
    const error = await collect(csvChunks({ location, variables: {}, followCursors: true, run: failing })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PageErrors);
    expect((error as PageErrors).errors[0]?.extensions?.code).toBe('COST_ESTIMATED_TOO_EXPENSIVE');
  });
});
