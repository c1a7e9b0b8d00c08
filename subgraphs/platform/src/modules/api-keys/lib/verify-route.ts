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
import { createInternalRoute } from '@crm/runtime';
import type { ApiKeyService } from '../services/api-keys.ts';

export const API_KEY_VERIFY_PATH = '/internal/api-keys/verify';

export interface ApiKeyVerifyAnswer {
  valid: boolean;
  tenantId?: string;
  roles?: string[];
  apiKeyId?: string;
  persistedOnly?: boolean;
  /** ISO time the key stops working, or null. */
  expiresAt?: string | null;
}

export function createApiKeyVerifyRoute(apiKeys: Pick<ApiKeyService, 'verify'>, signingSecret: string) {
  return createInternalRoute<string>({
    path: API_KEY_VERIFY_PATH,
    signingSecret,
    usage: 'Body must be JSON {"key": "<api key>"}',
    parse: (body) => {
      const key = typeof body === 'object' && body !== null ? (body as { key?: unknown }).key : undefined;
      return typeof key === 'string' ? key : null;
    },
    handle: async (key): Promise<ApiKeyVerifyAnswer> => {
      const found = await apiKeys.verify(key);
      return found
        ? {
            valid: true,
            tenantId: found.tenantId,
            roles: found.roles,
            apiKeyId: found.apiKeyId,
            persistedOnly: found.persistedOnly,
            expiresAt: found.expiresAt?.toISOString() ?? null,
          }
        : { valid: false };
    },
  });
}
