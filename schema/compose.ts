/**
 * Composes the five subgraphs into the committed supergraph.
 *
 * - `schema/supergraph.graphql`: what the gateway loads (subgraph urls are placeholders
 *   `http://<domain>.crm.internal/graphql`; each deployment injects the real ones).
 * - `schema/api-schema.graphql`: the client-facing schema (web codegen reads it).
 *
 * Each subgraph's SDL is every `src/modules/**\/*.graphql` file of that subgraph,
 * concatenated in path order. Composition errors fail; every composition hint must be
 * listed in `schema/accepted-hints.json` once someone has reviewed it, so new hints are
 * noticed in review instead of scrolling by.
 *
 * Usage: `pnpm compose` writes both files; `pnpm compose --check` exits 1 when they are stale;
 * `pnpm compose --accept-hints` records the hints printed now as reviewed (read them first).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { composeServices } from '@apollo/composition';
// The CommonJS entry of graphql-js, the one @apollo/composition builds its schemas with
// (graphql-js refuses schemas from its other, ESM build).
import { parse, printSchema, type GraphQLError } from 'graphql/index.js';

export const SUBGRAPHS = ['customer', 'sales', 'analytics', 'platform', 'integration'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

const schemaDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(schemaDir);

export const SUPERGRAPH_PATH = join(schemaDir, 'supergraph.graphql');
export const API_SCHEMA_PATH = join(schemaDir, 'api-schema.graphql');
export const ACCEPTED_HINTS_PATH = join(schemaDir, 'accepted-hints.json');

/** Placeholder routing url written into the supergraph; the gateway overrides it per deployment. */
export const placeholderUrl = (name: string) => `http://${name}.crm.internal/graphql`;

export interface SubgraphSdl {
  name: string;
  sdl: string;
}

/** A composition hint reduced to what a reviewer accepts: its code and exact message. */
export interface HintSummary {
  code: string;
  message: string;
}

export interface ComposedSupergraph {
  supergraphSdl: string;
  apiSchemaSdl: string;
  hints: HintSummary[];
}

export class CompositionError extends Error {
  constructor(readonly errors: readonly string[]) {
    super(`Composition failed:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
    this.name = 'CompositionError';
  }
}

export interface ComposeOptions {
  /** Subgraph SDLs to compose. Default: read from `subgraphs/<name>/src/modules/**\/*.graphql`. */
  subgraphs?: SubgraphSdl[];
  /** Repository root used when reading subgraph SDL. Default: the parent of `schema/`. */
  root?: string;
}

function graphqlFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.graphql'))
    .map((file) => join(dir, file))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Reads one subgraph's SDL: its module files concatenated in path order. */
export function readSubgraphSdl(name: string, root = repoRoot): SubgraphSdl {
  const modulesDir = join(root, 'subgraphs', name, 'src', 'modules');
  const files = graphqlFilesUnder(modulesDir);
  if (files.length === 0) {
    throw new CompositionError([`subgraph "${name}" has no SDL under ${relative(root, modulesDir).split(sep).join('/')}/**/*.graphql`]);
  }
  const sdl = files
    .map((file) => `# ${relative(root, file).split(sep).join('/')}\n${readFileSync(file, 'utf8').trimEnd()}\n`)
    .join('\n');
  return { name, sdl };
}

function describeError(error: GraphQLError): string {
  const code = error.extensions?.code;
  return typeof code === 'string' ? `[${code}] ${error.message}` : error.message;
}

/** Composes the subgraphs in memory; throws `CompositionError` listing every error. */
export function composeSupergraph(options: ComposeOptions = {}): ComposedSupergraph {
  const sources = options.subgraphs ?? SUBGRAPHS.map((name) => readSubgraphSdl(name, options.root));
  const parseErrors: string[] = [];
  const services = sources.flatMap(({ name, sdl }) => {
    try {
      return [{ name, url: placeholderUrl(name), typeDefs: parse(sdl) }];
    } catch (error) {
      parseErrors.push(`subgraph "${name}": ${(error as Error).message}`);
      return [];
    }
  });
  if (parseErrors.length) throw new CompositionError(parseErrors);

  const result = composeServices(services);
  if (result.errors) throw new CompositionError(result.errors.map(describeError));

  const apiSchema = result.schema.toAPISchema().toGraphQLJSSchema();
  return {
    supergraphSdl: `${result.supergraphSdl.trimEnd()}\n`,
    apiSchemaSdl: `${printSchema(apiSchema).trimEnd()}\n`,
    hints: result.hints.map((hint) => ({ code: hint.definition.code, message: hint.message })),
  };
}

/** Reviewed hints from `accepted-hints.json` (a JSON array of `{ code, message }`). */
export function readAcceptedHints(path = ACCEPTED_HINTS_PATH): HintSummary[] {
  if (!existsSync(path)) return [];
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${path} must hold a JSON array of { code, message }`);
  return parsed.map((entry, index) => {
    const { code, message } = (entry ?? {}) as Partial<HintSummary>;
    if (typeof code !== 'string' || typeof message !== 'string') {
      throw new Error(`${path}[${index}] must be { "code": string, "message": string }`);
    }
    return { code, message };
  });
}

/** Hints that nobody has reviewed yet (not in the accepted list, matched on code and message). */
export function unacceptedHints(hints: readonly HintSummary[], accepted: readonly HintSummary[]): HintSummary[] {
  const known = new Set(accepted.map((hint) => `${hint.code}\u0000${hint.message}`));
  return hints.filter((hint) => !known.has(`${hint.code}\u0000${hint.message}`));
}

export interface StaleFile {
  path: string;
  reason: 'missing' | 'different';
}

/** Committed files that do not match a fresh composition. */
export function staleFiles(composed: ComposedSupergraph): StaleFile[] {
  const expected: Array<[string, string]> = [
    [SUPERGRAPH_PATH, composed.supergraphSdl],
    [API_SCHEMA_PATH, composed.apiSchemaSdl],
  ];
  return expected.flatMap(([path, content]): StaleFile[] => {
    if (!existsSync(path)) return [{ path, reason: 'missing' }];
    return readFileSync(path, 'utf8') === content ? [] : [{ path, reason: 'different' }];
  });
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const acceptHints = argv.includes('--accept-hints');
  let composed: ComposedSupergraph;
  try {
    composed = composeSupergraph();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }

  for (const hint of composed.hints) console.log(`hint [${hint.code}] ${hint.message}`);
  if (acceptHints && !check) {
    writeFileSync(ACCEPTED_HINTS_PATH, `${JSON.stringify(composed.hints, null, 2)}\n`);
    console.log(`recorded ${composed.hints.length} reviewed hint(s) in schema/accepted-hints.json`);
  }
  const unreviewed = unacceptedHints(composed.hints, readAcceptedHints());
  if (unreviewed.length) {
    console.error(
      `${unreviewed.length} composition hint(s) not in schema/accepted-hints.json; review them, then fix the subgraphs or run \`pnpm compose --accept-hints\`:\n` +
        JSON.stringify(unreviewed, null, 2),
    );
    return 1;
  }

  const rel = (path: string) => relative(repoRoot, path).split(sep).join('/');
  if (check) {
    const stale = staleFiles(composed);
    if (stale.length) {
      for (const file of stale) console.error(`${rel(file.path)} is ${file.reason === 'missing' ? 'missing' : 'stale'}`);
      console.error('Run `pnpm compose` and commit the result.');
      return 1;
    }
    console.log('supergraph is up to date');
    return 0;
  }

  writeFileSync(SUPERGRAPH_PATH, composed.supergraphSdl);
  writeFileSync(API_SCHEMA_PATH, composed.apiSchemaSdl);
  console.log(`wrote ${rel(SUPERGRAPH_PATH)} and ${rel(API_SCHEMA_PATH)}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
