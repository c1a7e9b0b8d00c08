/**
 * Line item arithmetic, exact: quantities in thousandths, prices in minor units, discount and tax
 * rates in basis points, all as BigInt. No value ever passes through a float.
 *
 * Every amount of a line is first computed exactly, as a numerator over {@link DENOMINATOR}
 * (thousandths of a quantity × basis points of a discount × basis points of a tax), and only
 * then rounded half-even to minor units. A line shows each of its amounts rounded on its own;
 * a deal's amount is the exact sum of its lines' totals, rounded once, so it can differ by a
 * minor unit from the sum of the rounded line totals.
 */

/** Quantities carry at most three decimals: they are held in thousandths. */
export const QUANTITY_SCALE = 1000n;
/** Rates (discount, tax) are in basis points: 10000 = 100 %. */
export const BASIS_POINTS = 10_000n;
/** Common denominator of exact line amounts, in minor units. */
export const DENOMINATOR = QUANTITY_SCALE * BASIS_POINTS * BASIS_POINTS;
/** The largest quantity a line takes (its whole part has at most 9 digits). */
export const MAX_QUANTITY_THOUSANDTHS = 999_999_999_999n;

/** Why a line was refused; `field` is relative to the line (e.g. `quantity`), the message is safe to show. */
export class LineItemError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** A discount on a line: a rate in basis points of its subtotal, or an absolute amount in minor units. */
export type Discount = { kind: 'RATE'; basisPoints: bigint } | { kind: 'AMOUNT'; minor: bigint };

export interface LineFigures {
  /** Quantity in thousandths (1.5 → 1500n). */
  quantity: bigint;
  unitPriceMinor: bigint;
  discount: Discount | null;
  /** Tax rate in basis points; null = untaxed. */
  taxRateBps: bigint | null;
}

/** A line's amounts, exact: numerators over {@link DENOMINATOR} minor units. */
export interface ExactLine {
  subtotal: bigint;
  discount: bigint;
  net: bigint;
  tax: bigint;
  total: bigint;
}

/** A line's amounts rounded half-even to minor units, each on its own. */
export interface LineTotals {
  subtotalMinor: bigint;
  discountMinor: bigint;
  netMinor: bigint;
  taxMinor: bigint;
  totalMinor: bigint;
}

/** Parses a quantity such as "2", "1.5" or "0.125" into thousandths; it must be greater than 0. */
export function parseQuantity(input: string): bigint {
  const text = input.trim();
  if (text.startsWith('-')) throw new LineItemError('quantity', 'quantity must be greater than 0');
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new LineItemError('quantity', 'quantity must be a decimal number such as "1.5"');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > 3) throw new LineItemError('quantity', 'quantity has more than 3 decimals');
  const thousandths = BigInt(match[1]! + fraction.padEnd(3, '0'));
  if (thousandths === 0n) throw new LineItemError('quantity', 'quantity must be greater than 0');
  if (thousandths > MAX_QUANTITY_THOUSANDTHS) throw new LineItemError('quantity', 'quantity is too large');
  return thousandths;
}

/** Formats thousandths as the shortest exact decimal: 1500n → "1.5", 2000n → "2". */
export function formatQuantity(thousandths: bigint): string {
  const whole = thousandths / QUANTITY_SCALE;
  const fraction = (thousandths % QUANTITY_SCALE).toString().padStart(3, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole.toString();
}

/** A rate in basis points, 0..10000, named `field` in the refusal. */
export function checkRate(value: number, field: string, what: string): bigint {
  if (!Number.isInteger(value) || value < 0 || value > 10_000) {
    throw new LineItemError(field, `${field} must be a whole number of basis points between 0 and 10000 (${what})`);
  }
  return BigInt(value);
}

/** `numerator / denominator` rounded to the nearest integer, ties to the even one (banker's rounding). */
export function roundHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  let quotient = n / denominator;
  const twice = (n % denominator) * 2n;
  if (twice > denominator || (twice === denominator && quotient % 2n === 1n)) quotient += 1n;
  return negative ? -quotient : quotient;
}

/**
 * The exact amounts of one line. A discount above the line's subtotal (a rate above 100 % or an
 * amount above quantity × unit price) is refused, naming the discount field.
 */
export function exactLine(line: LineFigures): ExactLine {
  // quantity × price is in thousandths of a minor unit; scale to the common denominator.
  const subtotal = line.quantity * line.unitPriceMinor * BASIS_POINTS * BASIS_POINTS;
  let discount = 0n;
  if (line.discount?.kind === 'RATE') {
    if (line.discount.basisPoints > BASIS_POINTS) throw new LineItemError('discountRateBps', 'discountRateBps is above the line total (more than 100 %)');
    discount = (subtotal * line.discount.basisPoints) / BASIS_POINTS; // exact: subtotal is a multiple of BASIS_POINTS²
  } else if (line.discount?.kind === 'AMOUNT') {
    discount = line.discount.minor * DENOMINATOR;
    if (discount > subtotal) throw new LineItemError('discountAmount', 'discountAmount is above the line total (quantity × unit price)');
  }
  const net = subtotal - discount;
  // net is a multiple of BASIS_POINTS (the rate discount keeps one factor), so the tax stays exact.
  const tax = line.taxRateBps === null ? 0n : (net * line.taxRateBps) / BASIS_POINTS;
  return { subtotal, discount, net, tax, total: net + tax };
}

/** A line's amounts rounded half-even to minor units. */
export function roundedLine(exact: ExactLine): LineTotals {
  const round = (value: bigint) => roundHalfEven(value, DENOMINATOR);
  return {
    subtotalMinor: round(exact.subtotal),
    discountMinor: round(exact.discount),
    netMinor: round(exact.net),
    taxMinor: round(exact.tax),
    totalMinor: round(exact.total),
  };
}

/** The totals of one line, rounded. */
export function lineTotals(line: LineFigures): LineTotals {
  return roundedLine(exactLine(line));
}

/** A deal's amount from its lines: the exact sum of their totals, rounded half-even once. */
export function dealAmountOf(lines: readonly LineFigures[]): bigint {
  let sum = 0n;
  for (const line of lines) sum += exactLine(line).total;
  return roundHalfEven(sum, DENOMINATOR);
}
