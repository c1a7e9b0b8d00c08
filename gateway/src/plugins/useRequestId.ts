/**
 * Request ids correlate one client request across gateway and subgraph logs.
 *
 * A sane incoming `x-request-id` (1-64 characters of `A-Z a-z 0-9 -`) is kept, anything else is
 * replaced by a fresh UUID; the id is echoed in the response header and forwarded to subgraphs.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { REQUEST_ID_HEADER } from '@crm/runtime';

export interface RequestIdOptions {
  /** Longest incoming id accepted. Default 64. */
  maxLength?: number;
  /** Makes a new id. Default `crypto.randomUUID`. */
  generate?: () => string;
}

export interface RequestIds {
  /** The request's id: its own when sane, otherwise a new one. */
  resolve(req: IncomingMessage): string;
  /** Wraps a handler so every request has a sane `x-request-id` header and the response echoes it. */
  wrap(handler: RequestListener): RequestListener;
}

export function useRequestId(options: RequestIdOptions = {}): RequestIds {
  const maxLength = options.maxLength ?? 64;
  const generate = options.generate ?? randomUUID;
  const sane = new RegExp(`^[A-Za-z0-9-]{1,${maxLength}}$`);

  const resolve = (req: IncomingMessage): string => {
    const given = req.headers[REQUEST_ID_HEADER];
    return typeof given === 'string' && sane.test(given) ? given : generate();
  };

  return {
    resolve,
    wrap(handler) {
      return (req: IncomingMessage, res: ServerResponse) => {
        const id = resolve(req);
        req.headers[REQUEST_ID_HEADER] = id;
        res.setHeader(REQUEST_ID_HEADER, id);
        return handler(req, res);
      };
    },
  };
}
