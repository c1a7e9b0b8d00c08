import { describe, expect, it } from 'vitest';
import { durationLabel } from './duration.ts';

describe('durationLabel', () => {
  it('names the two largest units', () => {
    expect(durationLabel(90_061)).toBe('1 day 1 hour');
    expect(durationLabel(3 * 86_400 + 125)).toBe('3 days 2 minutes');
    expect(durationLabel(7_200)).toBe('2 hours');
  });

  it('says less than a minute for short or negative spans', () => {
    expect(durationLabel(59)).toBe('less than a minute');
    expect(durationLabel(-5)).toBe('less than a minute');
  });
});
