import { describe, expect, it } from 'vitest';
import { eraseMentionsOf } from './erased-mentions.ts';

const ada = '6f1c2f8e-2a43-4c2c-9a59-0b8c3c1d2e3f';
const bob = '0b8c3c1d-2a43-4c2c-9a59-6f1c2f8e2e3f';

describe('eraseMentionsOf', () => {
  it("renames only the erased user's mentions, keeping their link", () => {
    const body = `Ask @[Ada Lovelace](user:${ada}) and @[Bob](user:${bob}); cc @[Ada L.](user:${ada.toUpperCase()})`;
    expect(eraseMentionsOf(body, ada)).toBe(`Ask @[Erased user](user:${ada}) and @[Bob](user:${bob}); cc @[Erased user](user:${ada.toUpperCase()})`);
    expect(eraseMentionsOf('no mentions here', ada)).toBe('no mentions here');
  });
});
