/**
 * `POST /internal/api-keys/verify`: the gateway asks who a presented API key acts as.
 *
 * Internal: the request must carry a fresh identity header signed by the gateway (the same
 * HMAC mechanism that protects `/graphql`), otherwise 401. Body `{ "key": "crm_…" }`.
 * Answers 200 with `{ "valid": true, tenantId, roles, apiKeyId, persistedOnly, expiresAt }`, or
 * `{ "valid": false }` for a key that is unknown, revoked or expired: the answer never tells
 * which, nor in which tenant a key exists. Each successful verification records the key's last
 * use (at most once a minute per key, see `ApiKeyService.verify`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { IDENTITY_HEADER, sendJson, verifyIdentity } from '@crm/runtime';
import type { ApiKeyService } from '../services/api-keys.ts';

export const API_KEY_VERIFY_PATH = '/internal/api-keys/verify';

/** Largest body accepted: a key is 47 characters, JSON around it a few more. */
const MAX_BODY_BYTES = 1024;

export interface ApiKeyVerifyAnswer {
  valid: boolean;
  tenantId?: string;
  roles?: string[];
  apiKeyId?: string;
  persistedOnly?: boolean;
  /** ISO time the key stops working, or null. */
  expiresAt?: string | null;
}

const problem = (code: string, message: string) => ({ errors: [{ message, extensions: { code } }] });

export function createApiKeyVerifyRoute(apiKeys: Pick<ApiKeyService, 'verify'>, signingSecret: string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== API_KEY_VERIFY_PATH) return false;
    if (req.method !== 'POST') {
      sendJson(res, 405, problem('BAD_REQUEST', 'Use POST'), { allow: 'POST' });
      return true;
    }
    const raw = req.headers[IDENTITY_HEADER];
    if (!verifyIdentity(Array.isArray(raw) ? raw[0] : raw, signingSecret)) {
      sendJson(res, 401, problem('UNAUTHENTICATED', 'Requests must come through the gateway'));
      return true;
    }
    const key = await readKey(req);
    if (key === null) {
      sendJson(res, 400, problem('BAD_USER_INPUT', 'Body must be JSON {"key": "<api key>"}'));
      return true;
    }
    const found = await apiKeys.verify(key);
    const answer: ApiKeyVerifyAnswer = found
      ? {
          valid: true,
          tenantId: found.tenantId,
          roles: found.roles,
          apiKeyId: found.apiKeyId,
          persistedOnly: found.persistedOnly,
          expiresAt: found.expiresAt?.toISOString() ?? null,
        }
      : { valid: false };
    sendJson(res, 200, answer, { 'cache-control': 'no-store' });
    return true;
  };
}

/** The `key` of a small JSON body, or null when the body is anything else. */
async function readKey(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  try {
    const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const key = typeof body === 'object' && body !== null ? (body as { key?: unknown }).key : undefined;
    return typeof key === 'string' ? key : null;
  } catch {
    return null;
  }
}
