/**
 * Trusted documents: the web app's operations, registered from the codegen manifest
 * (`clients/web/src/gql/persisted-documents.json`, written by `pnpm generate` with the client
 * preset's persisted documents) when the gateway starts.
 *
 * - Every document of the manifest is served by its hash (`extensions.persistedQuery.sha256Hash`,
 *   the manifest key, `sha256:<hex>` or bare `<hex>`) without ever having been sent as text: the
 *   manifest is read before the automatic persisted-query store (`trustedDocumentStore`). API keys
 *   marked `persistedOnly` may run them too.
 * - With `enforce` on, requests of the web client may run manifest documents only. The web client is
 *   recognised by its OpenID Connect client (`client_id` of its access token, `crm-web`) or by the
 *   `apollographql-client-name` header it sends. Anything else it sends (ad-hoc text, or a hash
 *   registered by someone else) is refused with HTTP 403 and `extensions.code`
 *   PERSISTED_QUERY_ONLY before it runs. Partners' API keys and other clients are not affected
 *   (their own setting is `persistedOnly`).
 *
 * The manifest is checked when loaded: every key must be the SHA-256 of its document, so a
 * tampered file fails the start instead of serving documents under a wrong id.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ApolloServerPlugin } from '@apollo/server';
import type { KeyValueStore } from '@crm/runtime';
import type { GatewayContext } from '../context.ts';
import { PERSISTED_QUERY_ONLY } from '../auth/persisted-only.ts';
import { GraphQLError } from '../graphql.ts';

/** Documents a client may run by id. */
export interface TrustedDocuments {
  readonly size: number;
  /** The document of a hash (`sha256:<hex>` or `<hex>`, any case), if trusted. */
  get(hash: string): string | undefined;
}

export interface TrustedDocumentsOptions {
  documents: TrustedDocuments;
  /** Refuse every document outside `documents` for the web client. Default false. */
  enforce?: boolean;
  /** Names of the web client: OpenID Connect client ids and `apollographql-client-name` values. Default `['crm-web']`. */
  webClients?: readonly string[];
  /** Called on every refusal (metrics). */
  onReject?: () => void;
}

export const WEB_CLIENT_ID = 'crm-web';
export const CLIENT_NAME_HEADER = 'apollographql-client-name';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The bare lower-case hex of a hash given as `sha256:<hex>` or `<hex>`; undefined when malformed. */
export function normaliseHash(hash: string): string | undefined {
  const hex = (hash.startsWith('sha256:') ? hash.slice(7) : hash).toLowerCase();
  return SHA256_HEX.test(hex) ? hex : undefined;
}

/** Reads a persisted-documents manifest (`{ "<hash>": "<document>" }`); throws naming the first bad entry. */
export function parseTrustedDocuments(manifest: unknown, source = 'manifest'): TrustedDocuments {
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) throw new Error(`${source}: expected a JSON object of hash -> document`);
  const byHash = new Map<string, string>();
  for (const [key, document] of Object.entries(manifest)) {
    const hex = normaliseHash(key);
    if (!hex) throw new Error(`${source}: "${key.slice(0, 80)}" is not a sha256 hash`);
    if (typeof document !== 'string' || document.trim() === '') throw new Error(`${source}: the document of ${key} is not a string`);
    if (createHash('sha256').update(document).digest('hex') !== hex) throw new Error(`${source}: ${key} is not the sha256 of its document`);
    byHash.set(hex, document);
  }
  return {
    size: byHash.size,
    get: (hash) => {
      const hex = normaliseHash(hash);
      return hex === undefined ? undefined : byHash.get(hex);
    },
  };
}

export function loadTrustedDocuments(path: string): TrustedDocuments {
  return parseTrustedDocuments(JSON.parse(readFileSync(path, 'utf8')) as unknown, path);
}

/** Apollo's persisted-query store (keys `apq:<hash>`) with the trusted documents in front of `store`. */
export function trustedDocumentStore(documents: TrustedDocuments, store: KeyValueStore): KeyValueStore {
  return {
    get: async (key) => documents.get(key.startsWith('apq:') ? key.slice(4) : key) ?? store.get(key),
    set: (key, value, options) => store.set(key, value, options),
    delete: (key) => store.delete(key),
  };
}

/** The `client_id` (or `azp`) claim of a bearer token already verified by authentication. */
function clientIdOf(authorization: string | undefined): string | undefined {
  const token = authorization?.match(/^Bearer\s+([^.\s]+)\.([^.\s]+)\.[^.\s]*$/i)?.[2];
  if (!token) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    const id = claims['client_id'] ?? claims['azp'];
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

export function useTrustedDocuments(options: TrustedDocumentsOptions): ApolloServerPlugin<GatewayContext> {
  const webClients = new Set(options.webClients ?? [WEB_CLIENT_ID]);
  const isWebClient = (headers: { get(name: string): string | undefined }) => {
    const name = headers.get(CLIENT_NAME_HEADER);
    if (name !== undefined && webClients.has(name)) return true;
    const clientId = clientIdOf(headers.get('authorization'));
    return clientId !== undefined && webClients.has(clientId);
  };

  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, queryHash, source }) {
          if (!options.enforce || !request.http || !isWebClient(request.http.headers)) return;
          // the text that runs must be the manifest's own document for that hash
          if (options.documents.get(queryHash) === source) return;
          options.onReject?.();
          throw new GraphQLError('The web app may only run its registered operations: send the sha256Hash of a document of its manifest, without a query', {
            extensions: { code: PERSISTED_QUERY_ONLY, http: { status: 403 } },
          });
        },
      };
    },
  };
}
