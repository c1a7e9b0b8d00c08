import { describe, expect, it } from 'vitest';
import { etagOfText, ifNoneMatch } from './etag.ts';

describe('ETags', () => {
  it('are strong, quoted and change with the body', () => {
    const tag = etagOfText('{"data":{}}');
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(etagOfText('{"data":{}}')).toBe(tag);
    expect(etagOfText('{"data":null}')).not.toBe(tag);
  });

  it('match If-None-Match lists, weak forms and *', () => {
    const tag = etagOfText('x');
    expect(ifNoneMatch(undefined, tag)).toBe(false);
    expect(ifNoneMatch(tag, tag)).toBe(true);
    expect(ifNoneMatch(`"other", ${tag}`, tag)).toBe(true);
    expect(ifNoneMatch(`W/${tag}`, tag)).toBe(true);
    expect(ifNoneMatch('*', tag)).toBe(true);
    expect(ifNoneMatch('"other"', tag)).toBe(false);
  });
});
