/** Strong entity tags over response bodies, and the `If-None-Match` check (RFC 9110 §13.1.2). */
import { createHash, type Hash } from 'node:crypto';

/** A strong ETag from a finished SHA-256. */
export const etagOf = (hash: Hash): string => `"${hash.digest('base64url')}"`;

export const etagOfText = (text: string): string => etagOf(createHash('sha256').update(text, 'utf8'));

/**
 * Whether `If-None-Match` names `etag` (or is `*`). Comparison is weak, as the RFC asks for this
 * header: `W/"x"` matches `"x"`.
 */
export function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const wanted = etag.replace(/^W\//, '');
  return header
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag === '*' || tag.replace(/^W\//, '') === wanted);
}
