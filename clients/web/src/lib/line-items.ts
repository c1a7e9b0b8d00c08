/**
 * Deal lines are written all at once (`setDealLineItems` replaces every line), so adding or
 * removing one line sends the others back as they are. Rates are typed as percentages on screen
 * and sent as basis points (12.5 % → 1250).
 */
import type { DealLineItemInput } from '../gql/graphql';

/** A line as the deal page reads it. */
export interface DealLineLike {
  description: string;
  quantity: string;
  /** Null when the deal's amounts are masked for the user. */
  unitPrice: string | null;
  discountRateBps?: number | null;
  discountAmount?: string | null;
  taxRateBps?: number | null;
  product?: { id: string } | null;
}

/** The input that writes this line again unchanged. */
export function lineInputOf(line: DealLineLike): DealLineItemInput {
  const rate = line.discountRateBps ?? null;
  return {
    productId: line.product?.id ?? null,
    description: line.description,
    quantity: line.quantity,
    unitPrice: line.unitPrice,
    discountRateBps: rate,
    discountAmount: rate === null ? (line.discountAmount ?? null) : null,
    // Sent even when null: a null rate keeps the line untaxed rather than taking the product's rate.
    taxRateBps: line.taxRateBps ?? null,
  };
}

const PERCENT = /^\d{1,3}(?:[.,]\d{1,2})?$/;

/** `"12.5"` → 1250 basis points; empty → null. Throws a RangeError with a message for the user. */
export function basisPointsOf(percent: string, what: string): number | null {
  const text = percent.trim().replace(/\s*%$/, '');
  if (text === '') return null;
  if (!PERCENT.test(text)) throw new RangeError(`${what} must be a percentage such as 10 or 12.5.`);
  const [whole = '0', fraction = ''] = text.split(/[.,]/);
  const bps = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  if (bps > 10_000) throw new RangeError(`${what} cannot be more than 100 %.`);
  return bps;
}

/** 1250 → `"12.5 %"`. */
export function percentLabel(bps: number | null | undefined): string {
  if (bps === null || bps === undefined) return '—';
  return `${(bps / 100).toLocaleString('en-US', { maximumFractionDigits: 2 })} %`;
}

export interface NewLineForm {
  productId: string | null;
  description: string | null;
  quantity: string | null;
  unitPrice: string | null;
  discountPercent: string | null;
  taxPercent: string | null;
}

/**
 * The input of a line typed into the form. Left empty, the unit price, description and tax rate
 * come from the chosen product (the API fills them in).
 */
export function newLineInput(form: NewLineForm): DealLineItemInput {
  const input: DealLineItemInput = { quantity: form.quantity?.trim() || '1' };
  if (form.productId) input.productId = form.productId;
  if (form.description) input.description = form.description;
  if (form.unitPrice) input.unitPrice = form.unitPrice.trim();
  const discount = basisPointsOf(form.discountPercent ?? '', 'The discount');
  if (discount !== null) input.discountRateBps = discount;
  const tax = basisPointsOf(form.taxPercent ?? '', 'The tax rate');
  if (tax !== null) input.taxRateBps = tax;
  return input;
}
