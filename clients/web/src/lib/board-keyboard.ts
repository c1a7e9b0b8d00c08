/**
 * Keyboard moves on the board: with a deal picked up (Space or Enter), the left and right arrow
 * keys jump straight to the centre of the neighbouring stage column instead of nudging the deal
 * by a few pixels, so every stage is one key press away.
 */

export interface Point {
  x: number;
  y: number;
}

export interface ColumnRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Where a dragged deal at `from` goes for an arrow key: the centre of the nearest column to the
 * left or right (columns ordered by their left edge), keeping the deal's height on screen.
 * Null when there is no column in that direction.
 */
export function neighbourColumnPoint(from: Point, columns: readonly ColumnRect[], direction: 'left' | 'right'): Point | null {
  const centres = columns.map((c) => c.left + c.width / 2).sort((a, b) => a - b);
  const target = direction === 'right' ? centres.find((x) => x > from.x + 1) : centres.findLast((x) => x < from.x - 1);
  if (target === undefined) return null;
  const column = columns.find((c) => c.left + c.width / 2 === target)!;
  const y = Math.min(Math.max(from.y, column.top + 40), column.top + Math.max(column.height - 20, 40));
  return { x: target, y };
}
