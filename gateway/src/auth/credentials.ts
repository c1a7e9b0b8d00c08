/**
 * What a request presents to prove who it is, told apart before anything is verified:
 *
 * - `Authorization: Bearer <jwt>`: a user's access token;
 * - `Authorization: Bearer crm_…` or `x-api-key: crm_…`: a partner's API key (by its prefix);
 * - neither: anonymous.
 *
 * Both headers at once are accepted only when they carry the same key; anything else ambiguous
 * is refused rather than guessed at.
 */
import { API_KEY_HEADER, isApiKeyCredential } from './api-keys.ts';

export type Credentials = { kind: 'none' } | { kind: 'token'; token: string } | { kind: 'apikey'; key: string };

/** Header values as node gives them (a repeated header may come as an array). */
export interface PresentedHeaders {
  authorization?: string | string[] | undefined;
  [API_KEY_HEADER]?: string | string[] | undefined;
}

/** A credential that cannot be read: missing scheme, several values, two different credentials. */
export class MalformedCredentialsError extends Error {
  constructor(
    message: string,
    readonly credential: 'token' | 'apikey',
  ) {
    super(message);
    this.name = 'MalformedCredentialsError';
  }
}

const BEARER = /^Bearer[ \t]+([A-Za-z0-9_\-.~+/]+=*)[ \t]*$/i;

function single(value: string | string[] | undefined, name: string, credential: 'token' | 'apikey'): string | undefined {
  if (Array.isArray(value)) {
    if (value.length > 1) throw new MalformedCredentialsError(`Send one ${name} header, not several`, credential);
    return value[0] === '' ? undefined : value[0];
  }
  return value === '' ? undefined : value;
}

/** The credentials of a request. Throws `MalformedCredentialsError`. */
export function credentialsOf(headers: PresentedHeaders): Credentials {
  const apiKey = single(headers[API_KEY_HEADER], API_KEY_HEADER, 'apikey')?.trim();
  const authorization = single(headers.authorization, 'Authorization', 'token');
  const bearer = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
  if (authorization !== undefined && bearer === undefined) {
    throw new MalformedCredentialsError('Authorization header must be "Bearer <access token or API key>"', apiKey === undefined ? 'token' : 'apikey');
  }
  if (apiKey !== undefined) {
    if (bearer !== undefined && bearer !== apiKey) {
      throw new MalformedCredentialsError(`Send the API key either as Authorization: Bearer or as ${API_KEY_HEADER}, not two different credentials`, 'apikey');
    }
    return { kind: 'apikey', key: apiKey };
  }
  if (bearer === undefined) return { kind: 'none' };
  return isApiKeyCredential(bearer) ? { kind: 'apikey', key: bearer } : { kind: 'token', token: bearer };
}
