import { describe, expect, it } from 'vitest';
import { neighbourColumnPoint } from './board-keyboard.ts';

const columns = [
  { left: 520, top: 100, width: 240, height: 400 },
  { left: 0, top: 100, width: 240, height: 400 },
  { left: 260, top: 100, width: 240, height: 400 },
];

describe('neighbourColumnPoint', () => {
  it('jumps to the centre of the next column to the right or left, whatever the list order', () => {
    expect(neighbourColumnPoint({ x: 120, y: 200 }, columns, 'right')).toEqual({ x: 380, y: 200 });
    expect(neighbourColumnPoint({ x: 380, y: 200 }, columns, 'right')).toEqual({ x: 640, y: 200 });
    expect(neighbourColumnPoint({ x: 640, y: 200 }, columns, 'left')).toEqual({ x: 380, y: 200 });
  });

  it('is null past the first and last column', () => {
    expect(neighbourColumnPoint({ x: 640, y: 200 }, columns, 'right')).toBeNull();
    expect(neighbourColumnPoint({ x: 120, y: 200 }, columns, 'left')).toBeNull();
  });

  it('keeps the deal inside the column vertically', () => {
    expect(neighbourColumnPoint({ x: 120, y: 20 }, columns, 'right')).toEqual({ x: 380, y: 140 });
    expect(neighbourColumnPoint({ x: 120, y: 9000 }, columns, 'right')).toEqual({ x: 380, y: 480 });
  });
});
