/**
 * The public web-to-lead endpoint, served without sign-in (it never reaches the GraphQL auth):
 *
 * - `GET /forms/<key>`: a fresh embed token for the form; JSON `{ form: { name, fields }, token,
 *   honeypot, minFillMs }`, or, for `Accept: text/html`, a small HTML form carrying the token and
 *   the honeypot field, ready to paste into a page.
 * - `POST /forms/<key>`: `application/x-www-form-urlencoded` or JSON with `name`, `email`,
 *   `company`, `phone`, `message`, the custom-field keys the form allows, and `formToken`.
 *   201 `{ "received": true }` (303 to the form's `redirectUrl` for form-encoded posts when it has
 *   one), 400 naming the field, 404 for an unknown or disabled key, 413 for a body over
 *   `maxBodyBytes`, 415 for another content type, 429 with `Retry-After`.
 * - `OPTIONS /forms/<key>`: CORS preflight, allowed for the form's `allowedOrigins` only.
 *
 * Spam resistance: posts are limited per form key and per client IP (the gateway's limit store,
 * Redis when configured); a filled honeypot field, or a post sooner than `minFillMs` after its
 * token was issued, is answered as a success and discarded; a token must be valid for the form
 * and at most `maxTokenAgeMs` old; the customer subgraph drops the same e-mail on the same form
 * within a day. Browsers may post from another origin only when the form lists it.
 *
 * The form is looked up and the lead created through signed internal customer routes
 * (`/internal/lead-forms/describe` and `/submit`).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { callInternalRoute, InternalRouteError, sendJson, type Logger } from '@crm/runtime';
import type { LimitStore } from '../limit-store.ts';
import { bodyKindOf, parseFormBody, type FormFields } from './form-body.ts';
import { formTokenIssuedAt, signFormToken } from './form-token.ts';

export const FORMS_PATH = '/forms/';
export const DESCRIBE_PATH = '/internal/lead-forms/describe';
export const SUBMIT_PATH = '/internal/lead-forms/submit';
/** The hidden field people leave empty and form-filling bots do not. */
export const HONEYPOT_FIELD = 'website';
export const TOKEN_FIELD = 'formToken';
const BUILT_IN = new Set(['name', 'email', 'company', 'phone', 'message']);
const KEY_PATTERN = /^lf_[A-Za-z0-9_-]{32}$/;

export interface LeadFormsOptions {
  /** Posts per form key per minute. Default 60. */
  perFormPerMinute?: number;
  /** Posts per client IP per minute (all forms). Default 20. */
  perIpPerMinute?: number;
  /** Least time between serving the token and the post, ms. Default 3 000. */
  minFillMs?: number;
  /** Oldest token accepted, ms. Default 24 h. */
  maxTokenAgeMs?: number;
  /** Largest post, bytes. Default 16 KiB. */
  maxBodyBytes?: number;
  /** Longest wait for the customer subgraph per call, ms (a post retried after a timeout is caught by the e-mail dedup). Default 10 000. */
  timeoutMs?: number;
}

export interface LeadFormsDeps extends LeadFormsOptions {
  /** The customer subgraph's GraphQL url (the internal routes sit next to it). */
  customerUrl: string;
  signingSecret: string;
  store: LimitStore;
  logger: Logger;
}

interface PublicForm {
  name: string;
  fields: string[];
  redirectUrl: string | null;
  allowedOrigins: string[];
}

type SubmitAnswer = { outcome: 'created' | 'duplicate' | 'not_found' } | { outcome: 'invalid'; field: string | null; message: string };

const problem = (code: string, message: string, field?: string | null) => ({ errors: [{ message, extensions: { code, ...(field ? { field } : {}) } }] });

class PayloadTooLarge extends Error {}

async function readText(req: IncomingMessage, limit: number): Promise<string> {
  if (Number(req.headers['content-length'] ?? 0) > limit) throw new PayloadTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new PayloadTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function useLeadForms(deps: LeadFormsDeps) {
  const perForm = deps.perFormPerMinute ?? 60;
  const perIp = deps.perIpPerMinute ?? 20;
  const minFillMs = deps.minFillMs ?? 3_000;
  const maxTokenAgeMs = deps.maxTokenAgeMs ?? 24 * 3600_000;
  const maxBodyBytes = deps.maxBodyBytes ?? 16 * 1024;
  const describeUrl = new URL(DESCRIBE_PATH, deps.customerUrl).toString();
  const submitUrl = new URL(SUBMIT_PATH, deps.customerUrl).toString();
  const call = (url: string, body: unknown) => callInternalRoute(url, deps.signingSecret, body, { requester: 'gateway:forms', timeoutMs: deps.timeoutMs ?? 10_000 });

  const keyOf = (req: IncomingMessage): string | null => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    return path.startsWith(FORMS_PATH) ? path.slice(FORMS_PATH.length) : null;
  };
  const describe = async (key: string): Promise<PublicForm | null> =>
    KEY_PATTERN.test(key) ? ((await call(describeUrl, { key })) as { form: PublicForm | null } | undefined)?.form ?? null : null;
  const corsHeaders = (req: IncomingMessage, form: PublicForm): Record<string, string> => {
    const origin = req.headers.origin;
    return origin && form.allowedOrigins.includes(origin.toLowerCase())
      ? { vary: 'Origin', 'access-control-allow-origin': origin, 'access-control-expose-headers': 'retry-after' }
      : { vary: 'Origin' };
  };
  const notFound = (res: ServerResponse) => sendJson(res, 404, problem('NOT_FOUND', 'No such form'));

  async function preflight(req: IncomingMessage, res: ServerResponse, key: string) {
    const form = await describe(key);
    const origin = req.headers.origin;
    if (!form || !origin || !form.allowedOrigins.includes(origin.toLowerCase())) {
      res.writeHead(403, { vary: 'Origin', 'content-length': 0 });
      return res.end();
    }
    res.writeHead(204, {
      vary: 'Origin',
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '600',
      'content-length': 0,
    });
    res.end();
  }

  async function serveEmbed(req: IncomingMessage, res: ServerResponse, key: string) {
    const form = await describe(key);
    if (!form) return notFound(res);
    const token = signFormToken(deps.signingSecret, key);
    const headers = { ...corsHeaders(req, form), 'cache-control': 'no-store' };
    if (!(req.headers.accept ?? '').includes('text/html')) {
      return sendJson(res, 200, { form: { name: form.name, fields: form.fields }, token, tokenField: TOKEN_FIELD, honeypot: HONEYPOT_FIELD, minFillMs }, headers);
    }
    const input = (name: string, attrs = '') => `  <label>${escapeHtml(name)} <input name="${escapeHtml(name)}"${attrs}></label>\n`;
    const html =
      `<form method="post" action="//${escapeHtml(req.headers.host ?? '')}${FORMS_PATH}${key}">\n` +
      `  <input type="hidden" name="${TOKEN_FIELD}" value="${token}">\n` +
      `  <div style="position:absolute;left:-10000px" aria-hidden="true"><input type="text" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></div>\n` +
      input('name', ' required') +
      input('email', ' type="email" required') +
      input('company') +
      input('phone', ' type="tel"') +
      form.fields.map((field) => input(field)).join('') +
      `  <label>message <textarea name="message"></textarea></label>\n  <button type="submit">Send</button>\n</form>\n`;
    res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
    res.end(html);
  }

  async function submit(req: IncomingMessage, res: ServerResponse, key: string) {
    const ip = req.socket.remoteAddress ?? 'unknown';
    const [formLimit, ipLimit] = await deps.store.hitAll(
      [
        { key: `forms:key:${key}`, limit: perForm },
        { key: `forms:ip:${ip}`, limit: perIp },
      ],
      60_000,
    );
    if (!formLimit!.allowed || !ipLimit!.allowed) {
      const wait = Math.max(formLimit!.retryAfterMs, ipLimit!.retryAfterMs);
      return sendJson(res, 429, problem('RATE_LIMITED', 'Too many posts; try again later'), { 'retry-after': String(Math.max(1, Math.ceil(wait / 1000))) });
    }
    const form = await describe(key);
    if (!form) return notFound(res);
    const cors = corsHeaders(req, form);
    const origin = req.headers.origin;
    if (origin && form.allowedOrigins.length > 0 && !cors['access-control-allow-origin']) {
      return sendJson(res, 403, problem('FORBIDDEN', `Origin ${origin} may not post to this form`), cors);
    }
    const kind = bodyKindOf(req.headers['content-type']);
    if (!kind) return sendJson(res, 415, problem('BAD_USER_INPUT', 'Content-Type must be application/x-www-form-urlencoded or application/json'), cors);
    let fields: FormFields | null;
    try {
      fields = parseFormBody(kind, await readText(req, maxBodyBytes));
    } catch (error) {
      if (error instanceof PayloadTooLarge) return sendJson(res, 413, problem('BAD_USER_INPUT', `The post is larger than ${maxBodyBytes} bytes`), { ...cors, connection: 'close' });
      throw error;
    }
    if (!fields) return sendJson(res, 400, problem('BAD_USER_INPUT', 'The body is not a JSON object'), cors);

    const accepted = () =>
      kind === 'form' && form.redirectUrl
        ? (res.writeHead(303, { ...cors, location: form.redirectUrl, 'content-length': 0 }), res.end())
        : sendJson(res, 201, { received: true }, cors);

    if (fields[HONEYPOT_FIELD]?.trim()) return accepted();
    const issuedAt = formTokenIssuedAt(deps.signingSecret, key, fields[TOKEN_FIELD]);
    const age = issuedAt === null ? -1 : Date.now() - issuedAt;
    if (issuedAt === null || age > maxTokenAgeMs) {
      return sendJson(res, 400, problem('BAD_USER_INPUT', `${TOKEN_FIELD} is missing, invalid or expired: load the form again (GET ${FORMS_PATH}<key>)`, TOKEN_FIELD), cors);
    }
    if (age < minFillMs) return accepted();

    const post: Record<string, unknown> = { custom: {} };
    for (const [name, value] of Object.entries(fields)) {
      if (BUILT_IN.has(name)) post[name] = value;
      else if (form.fields.includes(name)) (post.custom as Record<string, string>)[name] = value;
    }
    const answer = (await call(submitUrl, { key, post })) as SubmitAnswer | undefined;
    switch (answer?.outcome) {
      case 'created':
      case 'duplicate':
        return accepted();
      case 'not_found':
        return notFound(res);
      case 'invalid':
        return sendJson(res, 400, problem('BAD_USER_INPUT', answer.message, answer.field), cors);
      default:
        throw new InternalRouteError('unexpected answer from the lead form route');
    }
  }

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const key = keyOf(req);
    if (key === null) return false;
    try {
      if (req.method === 'OPTIONS') await preflight(req, res, key);
      else if (req.method === 'GET') await serveEmbed(req, res, key);
      else if (req.method === 'POST') await submit(req, res, key);
      else sendJson(res, 405, problem('BAD_REQUEST', 'Use GET or POST'), { allow: 'GET, POST, OPTIONS' });
    } catch (error) {
      deps.logger.error({ err: error }, 'lead form request failed');
      if (!res.headersSent) sendJson(res, 502, problem('INTERNAL_SERVER_ERROR', 'The form could not be processed; try again later'));
      else res.end();
    }
    return true;
  };

  return {
    route,
    /** Sends `/forms/…` requests (preflights included) to `route` before the API's CORS policy; everything else to `next`. */
    wrap(next: RequestListener, inner: RequestListener): RequestListener {
      return (req, res) => (keyOf(req) !== null ? inner(req, res) : next(req, res));
    },
  };
}
