/**
 * A small JSON route between the gateway and a subgraph (e.g. the platform verifying an API key
 * or telling a user's team), next to `/graphql` but not GraphQL.
 *
 * `POST <path>` with a small JSON body and a fresh identity header signed by the gateway (the
 * HMAC that protects `/graphql`): 401 without it, 405 for another method, 400 with `usage` for a
 * body that is too large, not JSON or not what `parse` accepts, else 200 with `handle`'s answer
 * (`cache-control: no-store`). Errors use the GraphQL shape `{ errors: [{ message, extensions.code }] }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './http.ts';
import { ANONYMOUS, IDENTITY_HEADER, signIdentity, verifyIdentity } from './identity.ts';

export interface InternalRouteOptions<I> {
  path: string;
  signingSecret: string;
  /** The input in a parsed JSON body, or null when the body is not one. */
  parse(body: unknown): I | null;
  /** Shown in the 400 answer, e.g. `Body must be JSON {"key": "<api key>"}`. */
  usage: string;
  handle(input: I): Promise<unknown>;
  /** Largest body accepted, bytes. Default 1 KiB. */
  maxBodyBytes?: number;
}

const problem = (code: string, message: string) => ({ errors: [{ message, extensions: { code } }] });

/** A route handler for `createGraphQLHandler`'s `routes`: returns false for other paths. */
export function createInternalRoute<I>(options: InternalRouteOptions<I>) {
  const limit = options.maxBodyBytes ?? 1024;
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== options.path) return false;
    if (req.method !== 'POST') {
      sendJson(res, 405, problem('BAD_REQUEST', 'Use POST'), { allow: 'POST' });
      return true;
    }
    const raw = req.headers[IDENTITY_HEADER];
    if (!verifyIdentity(Array.isArray(raw) ? raw[0] : raw, options.signingSecret)) {
      sendJson(res, 401, problem('UNAUTHENTICATED', 'Requests must come through the gateway'));
      return true;
    }
    const body = await readJson(req, limit);
    const input = body === undefined ? null : options.parse(body);
    if (input === null) {
      sendJson(res, 400, problem('BAD_USER_INPUT', options.usage));
      return true;
    }
    sendJson(res, 200, await options.handle(input), { 'cache-control': 'no-store' });
    return true;
  };
}

/** The parsed JSON body, or undefined when it is larger than `limit` bytes or not JSON. */
async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** An internal route that could not be reached (`status` undefined) or did not answer 200. */
export class InternalRouteError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'InternalRouteError';
  }
}

/**
 * Calls an internal route as the gateway: a POST of `body` as JSON, signed with an anonymous
 * identity naming `requester`. Resolves with the parsed answer (undefined when it is not JSON);
 * throws `InternalRouteError` when the route cannot be reached in `timeoutMs` or answers another status.
 */
export async function callInternalRoute(
  url: string,
  signingSecret: string,
  body: unknown,
  options: { requester: string; timeoutMs?: number },
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: signIdentity(ANONYMOUS(options.requester), signingSecret) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 3_000),
    });
  } catch (error) {
    throw new InternalRouteError(`${url} could not be reached`, undefined, { cause: error });
  }
  if (!response.ok) throw new InternalRouteError(`${url} answered ${response.status}`, response.status);
  return (await response.json().catch(() => undefined)) as unknown;
}
