/**
 * Line items of deals. A deal's lines are replaced as a whole (`set`), under the deal's pipeline
 * lock and the caller's expected version, in one transaction that also derives the deal's amount
 * from the lines, bumps its version, advances the board sequence, journals a DEAL_UPDATED board
 * change and queues `sales.deal.updated` (see `commitDealChange`). Every line is checked before
 * anything is written; a refusal names the line's field (`items[3].quantity`).
 */
import { badInput } from '@crm/runtime';
import { z } from 'zod';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { DealLineItemModel, DealModel, ProductModel } from '../../../__generated__/prisma/models.ts';
import type { Actor } from '../../../context.ts';
import { id, parseInput, text } from '../../common/lib/input.ts';
import { dealUpdated, type DealChanges } from '../../deals/lib/deal-events.ts';
import { MAX_AMOUNT_MINOR, MoneyError, parseAmount, parseCurrency } from '../../deals/lib/money.ts';
import { commitDealChange, lockDealForChange, writeWithEvents, type DealGuard, type Tx } from '../../deals/services/deal-changes.ts';
import { checkRate, dealAmountOf, exactLine, LineItemError, parseQuantity, QUANTITY_SCALE, type Discount, type LineFigures } from '../lib/line-math.ts';

/** Most lines a deal can have. */
export const MAX_LINE_ITEMS = 200;

/** One line as the caller gives it; see `DealLineItemInput` in the schema. */
export interface LineItemInput {
  productId?: string | null;
  description?: string | null;
  /** Decimal string greater than 0 with up to three decimals. */
  quantity: string;
  /** Decimal string in the deal's currency. */
  unitPrice?: string | null;
  currency?: string | null;
  discountRateBps?: number | null;
  /** Decimal string in the deal's currency. */
  discountAmount?: string | null;
  /** Omitted: the product's rate; null: untaxed. */
  taxRateBps?: number | null;
}

const wholeNumber = () =>
  z.number({ error: 'must be a whole number' }).int({ error: 'must be a whole number' }).min(0, { error: 'must not be negative' });

const itemSchema = z.object({
  productId: id().nullish(),
  description: text(500).nullish(),
  quantity: z.string({ error: 'must be a decimal string such as "1.5"' }),
  unitPrice: z.string({ error: 'must be a decimal string' }).nullish(),
  currency: z.string({ error: 'must be a currency code' }).nullish(),
  discountRateBps: wholeNumber().nullish(),
  discountAmount: z.string({ error: 'must be a decimal string' }).nullish(),
  taxRateBps: wholeNumber().nullish(),
});

const itemsSchema = z.array(itemSchema).max(MAX_LINE_ITEMS, { error: `must have at most ${MAX_LINE_ITEMS} lines` });

/** The row values of one line, as stored. */
interface LineRow {
  productId: string | null;
  description: string;
  quantity: bigint;
  unitPriceMinor: bigint;
  discountRateBps: number | null;
  discountMinor: bigint | null;
  taxRateBps: number | null;
}

/** A stored line's quantity in thousandths (the column is DECIMAL(15,3)). */
export function quantityOf(row: Pick<DealLineItemModel, 'quantity'>): bigint {
  return BigInt(row.quantity.toFixed(3).replace('.', ''));
}

/** The arithmetic view of a stored or new line. */
export function figuresOf(row: Pick<LineRow, 'unitPriceMinor' | 'discountRateBps' | 'discountMinor' | 'taxRateBps'> & { quantity: bigint }): LineFigures {
  const discount: Discount | null =
    row.discountRateBps !== null
      ? { kind: 'RATE', basisPoints: BigInt(row.discountRateBps) }
      : row.discountMinor !== null
        ? { kind: 'AMOUNT', minor: row.discountMinor }
        : null;
  return {
    quantity: row.quantity,
    unitPriceMinor: row.unitPriceMinor,
    discount,
    taxRateBps: row.taxRateBps === null ? null : BigInt(row.taxRateBps),
  };
}

const rowOf = (line: DealLineItemModel): LineRow => ({
  productId: line.productId,
  description: line.description,
  quantity: quantityOf(line),
  unitPriceMinor: line.unitPriceMinor,
  discountRateBps: line.discountRateBps,
  discountMinor: line.discountMinor,
  taxRateBps: line.taxRateBps,
});

const sameRows = (a: readonly LineRow[], b: readonly LineRow[]) =>
  a.length === b.length && a.every((row, i) => (Object.keys(row) as Array<keyof LineRow>).every((key) => row[key] === b[i]![key]));

/** Formats thousandths for the DECIMAL(15,3) column. */
const decimalOf = (thousandths: bigint) => `${thousandths / QUANTITY_SCALE}.${(thousandths % QUANTITY_SCALE).toString().padStart(3, '0')}`;

/** Runs one check of line `index`; a money or line refusal becomes BAD_USER_INPUT naming `items[index].<field>`. */
function onLine<T>(index: number, field: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof MoneyError || error instanceof LineItemError) {
      const name = `items[${index}].${error instanceof LineItemError ? error.field : field}`;
      const message = error instanceof LineItemError ? error.message.replace(new RegExp(`^${error.field}`), '') : error.message.replace(/^(amount|currency)/, '');
      throw badInput(`${name}${message.startsWith(' ') ? '' : ' '}${message.trim()}`, name);
    }
    throw error;
  }
}

export interface LineItemServiceDeps {
  prisma: PrismaClient;
  eventsCommitted: () => void;
}

export interface LineItemService {
  /**
   * Replaces the deal's lines and derives its amount from them. Unknown deal → NOT_FOUND; a version
   * other than `expectedVersion` → CONFLICT with the current values; a bad line → BAD_USER_INPUT
   * naming it. Lines equal to the current ones → the deal unchanged, no event.
   */
  set(tenantId: string, actor: Actor, dealId: string, expectedVersion: number, items: readonly LineItemInput[], guard?: DealGuard): Promise<DealModel>;
}

export function createLineItemService(deps: LineItemServiceDeps): LineItemService {
  /** Checks every line against the deal and the catalogue; returns the rows to store. */
  async function resolveLines(tx: Tx, tenantId: string, deal: DealModel, items: z.output<typeof itemsSchema>, existing: readonly DealLineItemModel[]): Promise<LineRow[]> {
    const productIds = [...new Set(items.flatMap((item) => (item.productId ? [item.productId] : [])))];
    const products = new Map<string, ProductModel>(
      productIds.length === 0 ? [] : (await tx.product.findMany({ where: { tenantId, id: { in: productIds } } })).map((product) => [product.id, product]),
    );
    const alreadyListed = new Set(existing.flatMap((line) => (line.productId ? [line.productId] : [])));

    return items.map((item, index) => {
      const field = (name: string) => `items[${index}].${name}`;
      let product: ProductModel | null = null;
      if (item.productId) {
        product = products.get(item.productId) ?? null;
        if (!product) throw badInput(`${field('productId')} names no product of the catalogue`, field('productId'));
        if ((product.archivedAt !== null || !product.active) && !alreadyListed.has(product.id)) {
          throw badInput(`${field('productId')} names ${product.archivedAt ? 'an archived' : 'an inactive'} product`, field('productId'));
        }
        if (product.currency !== deal.currency) {
          throw badInput(`${field('productId')} is priced in ${product.currency}, the deal in ${deal.currency}`, field('productId'));
        }
      }
      if (item.currency !== undefined && item.currency !== null) {
        const currency = onLine(index, 'currency', () => parseCurrency(item.currency!));
        if (currency !== deal.currency) throw badInput(`${field('currency')} must be the deal's currency ${deal.currency}, not ${currency}`, field('currency'));
      }
      const description = item.description ?? product?.name;
      if (!description) throw badInput(`${field('description')} is required for a line without productId`, field('description'));
      const quantity = onLine(index, 'quantity', () => parseQuantity(item.quantity));
      const unitPriceMinor =
        item.unitPrice !== undefined && item.unitPrice !== null
          ? onLine(index, 'unitPrice', () => parseAmount(item.unitPrice!, deal.currency))
          : product?.unitPriceMinor;
      if (unitPriceMinor === undefined) throw badInput(`${field('unitPrice')} is required for a line without productId`, field('unitPrice'));
      const hasRate = item.discountRateBps !== undefined && item.discountRateBps !== null;
      const hasAmount = item.discountAmount !== undefined && item.discountAmount !== null;
      if (hasRate && hasAmount) throw badInput(`${field('discountAmount')} cannot be given together with discountRateBps`, field('discountAmount'));
      const discountMinor = hasAmount ? onLine(index, 'discountAmount', () => parseAmount(item.discountAmount!, deal.currency)) : null;
      const taxRateBps = item.taxRateBps === undefined ? (product?.taxRateBps ?? null) : item.taxRateBps;
      if (taxRateBps !== null) onLine(index, 'taxRateBps', () => checkRate(taxRateBps, 'taxRateBps', 'a tax rate'));
      const row: LineRow = {
        productId: product?.id ?? null,
        description,
        quantity,
        unitPriceMinor,
        discountRateBps: hasRate ? item.discountRateBps! : null,
        discountMinor,
        taxRateBps,
      };
      onLine(index, 'quantity', () => exactLine(figuresOf(row)));
      return row;
    });
  }

  return {
    async set(tenantId, actor, dealId, expectedVersion, items, guard) {
      if (!Number.isInteger(expectedVersion) || expectedVersion < 1) throw badInput('expectedVersion must be a whole number of at least 1', 'expectedVersion');
      const valid = parseInput(itemsSchema, items, 'items');
      return writeWithEvents(deps.prisma, tenantId, deps.eventsCommitted, async (tx, events) => {
        const current = await lockDealForChange(tx, tenantId, dealId, { version: expectedVersion }, guard);
        const existing = await tx.dealLineItem.findMany({ where: { tenantId, dealId: current.id }, orderBy: { position: 'asc' } });
        const rows = await resolveLines(tx, tenantId, current, valid, existing);
        const before = existing.map(rowOf);
        if (sameRows(before, rows)) return current;

        const amountMinor = rows.length > 0 ? dealAmountOf(rows.map(figuresOf)) : current.amountMinor;
        if (amountMinor > MAX_AMOUNT_MINOR) throw badInput('items add up to an amount too large to store', 'items');

        await tx.dealLineItem.deleteMany({ where: { tenantId, dealId: current.id } });
        if (rows.length > 0) {
          await tx.dealLineItem.createMany({
            data: rows.map((row, position) => ({ ...row, quantity: decimalOf(row.quantity), tenantId, dealId: current.id, position })),
          });
        }
        const changed: DealChanges = { lineItems: { from: String(before.length), to: String(rows.length) } };
        if (amountMinor !== current.amountMinor) changed.amountMinor = { from: current.amountMinor.toString(), to: amountMinor.toString() };
        return commitDealChange(tx, tenantId, actor, current, {
          data: { amountMinor },
          board: 'DEAL_UPDATED',
          event: (deal) => dealUpdated(tenantId, actor, changed, deal),
        }, events);
      });
    },
  };
}

/** True when the deal has lines, so its amount is derived from them. */
export async function hasLineItems(tx: Tx, tenantId: string, dealId: string): Promise<boolean> {
  return (await tx.dealLineItem.findFirst({ where: { tenantId, dealId }, select: { id: true } })) !== null;
}
