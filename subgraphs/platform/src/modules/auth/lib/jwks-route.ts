/**
 * `GET /.well-known/jwks.json`: the public keys that verify access tokens.
 * Public (no gateway signature) so the gateway and partners can fetch it; cacheable for 5 minutes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '@crm/runtime';
import type { SigningKeyStore } from '../services/signing-keys.ts';

export const JWKS_PATH = '/.well-known/jwks.json';

export function createJwksRoute(keys: Pick<SigningKeyStore, 'jwks'>) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== JWKS_PATH) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: 'Use GET' }, { allow: 'GET, HEAD' });
      return true;
    }
    sendJson(res, 200, await keys.jwks(), { 'cache-control': 'public, max-age=300' });
    return true;
  };
}
