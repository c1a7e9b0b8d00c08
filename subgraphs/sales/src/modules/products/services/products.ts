/**
 * The product catalogue of a tenant: products with a SKU unique in the tenant, a list price in
 * one currency and an optional tax rate. Products are archived, never deleted, so deal lines
 * that name them keep resolving. Each change emits `sales.product.created|updated|archived`.
 */
import { createEvent, type EventEnvelope } from '@crm/events';
import { badInput, conflict, notFound } from '@crm/runtime';
import { z } from 'zod';
import { Prisma, type PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { ProductModel } from '../../../__generated__/prisma/models.ts';
import type { Actor, TenantDb } from '../../../context.ts';
import { isId, parseInput, text } from '../../common/lib/input.ts';
import { writeWithEvents } from '../../deals/services/deal-changes.ts';
import { formatAmount, MoneyError, parseAmount, parseCurrency } from '../../deals/lib/money.ts';

export const ProductEventType = {
  created: 'sales.product.created',
  updated: 'sales.product.updated',
  archived: 'sales.product.archived',
} as const;

export type ProductEventPayload = {
  productId: string;
  name: string;
  sku: string;
  unitPriceMinor: string;
  currency: string;
  taxRateBps: number | null;
  active: boolean;
  archivedAt: string | null;
};

export interface CreateProductInput {
  name: string;
  sku: string;
  /** Decimal string in `currency`, e.g. "99.90". */
  unitPrice: string;
  currency: string;
  taxRateBps?: number | null;
  active?: boolean | null;
}

/** Omitted fields stay as they are; `taxRateBps: null` makes the product untaxed. */
export interface UpdateProductInput {
  name?: string | null;
  sku?: string | null;
  unitPrice?: string | null;
  currency?: string | null;
  taxRateBps?: number | null;
  active?: boolean | null;
}

export interface ProductPage {
  products: ProductModel[];
  hasNextPage: boolean;
}

const taxRate = () =>
  z
    .number({ error: 'must be a whole number of basis points' })
    .int({ error: 'must be a whole number of basis points' })
    .min(0, { error: 'must be between 0 and 10000 basis points' })
    .max(10_000, { error: 'must be between 0 and 10000 basis points' });
const sku = () => text(64).regex(/^\S+$/, { error: 'must not contain spaces' });
const notNull = <T extends z.ZodType>(schema: T) => schema.optional().refine((value) => value !== null, { error: 'cannot be null' });

const createSchema = z.object({
  name: text(200),
  sku: sku(),
  unitPrice: z.string({ error: 'must be a decimal string' }),
  currency: z.string({ error: 'must be a currency code' }),
  taxRateBps: taxRate().nullish(),
  active: z.boolean().nullish(),
});

const updateSchema = z.object({
  name: notNull(text(200)),
  sku: notNull(sku()),
  unitPrice: notNull(z.string({ error: 'must be a decimal string' })),
  currency: notNull(z.string({ error: 'must be a currency code' })),
  taxRateBps: taxRate().nullish(),
  active: notNull(z.boolean()),
});

/** A price in a currency, refusals naming `input.unitPrice` / `input.currency`. */
function price(unitPrice: string, currency: string): { unitPriceMinor: bigint; currency: string } {
  try {
    const code = parseCurrency(currency);
    return { unitPriceMinor: parseAmount(unitPrice, code), currency: code };
  } catch (error) {
    if (!(error instanceof MoneyError)) throw error;
    const field = error.field === 'amount' ? 'input.unitPrice' : 'input.currency';
    throw badInput(error.message.replace(/^(amount|currency)/, field), field);
  }
}

function productEvent(type: string, tenantId: string, actor: Actor, product: ProductModel): EventEnvelope<ProductEventPayload> {
  return createEvent<ProductEventPayload>({
    type,
    tenantId,
    actor,
    aggregateId: product.id,
    payload: {
      productId: product.id,
      name: product.name,
      sku: product.sku,
      unitPriceMinor: product.unitPriceMinor.toString(),
      currency: product.currency,
      taxRateBps: product.taxRateBps,
      active: product.active,
      archivedAt: product.archivedAt?.toISOString() ?? null,
    },
  });
}

/** Cursor of a product in the catalogue order (name, then id): opaque to clients. */
export function productCursor(product: Pick<ProductModel, 'name' | 'id'>): string {
  return Buffer.from(JSON.stringify([product.name, product.id]), 'utf8').toString('base64url');
}

function parseCursor(cursor: string): { name: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string' && isId(value[1])) {
      return { name: value[0], id: value[1] };
    }
  } catch {
    // fall through: not one of ours
  }
  throw badInput('after must be a cursor returned by products', 'after');
}

const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/** A SKU taken by a concurrent writer between our check and our write is the same CONFLICT. */
async function skuRace<T>(value: () => string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw conflict(`sku ${value()} is already used by another product`, { field: 'input.sku' });
  }
}

export interface ProductServiceDeps {
  prisma: PrismaClient;
  eventsCommitted: () => void;
}

export interface ProductService {
  /** Adds a product; a SKU already used in the tenant → CONFLICT naming `input.sku`. */
  create(tenantId: string, actor: Actor, input: CreateProductInput): Promise<ProductModel>;
  /** Changes the given fields; unknown product → NOT_FOUND; nothing changed → no event. */
  update(tenantId: string, actor: Actor, productId: string, input: UpdateProductInput): Promise<ProductModel>;
  /** Archives a product (and deactivates it); already archived → unchanged. */
  archive(tenantId: string, actor: Actor, productId: string): Promise<ProductModel>;
  /** A page of the catalogue in name order after `after`. */
  list(db: TenantDb, options: { first: number; after?: string | null; includeArchived: boolean }): Promise<ProductPage>;
}

export function createProductService(deps: ProductServiceDeps): ProductService {
  const { prisma } = deps;

  async function skuTaken(tx: Pick<TenantDb, 'product'>, tenantId: string, value: string, except?: string): Promise<void> {
    const existing = await tx.product.findFirst({ where: { tenantId, sku: value, ...(except ? { id: { not: except } } : {}) }, select: { id: true } });
    if (existing) throw conflict(`sku ${value} is already used by product ${existing.id}`, { field: 'input.sku', existingId: existing.id });
  }

  return {
    async create(tenantId, actor, input) {
      const valid = parseInput(createSchema, input, 'input');
      const money = price(valid.unitPrice, valid.currency);
      return skuRace(() => valid.sku, () => writeWithEvents(prisma, tenantId, deps.eventsCommitted, async (tx, events) => {
        await skuTaken(tx, tenantId, valid.sku);
        const product = await tx.product.create({
          data: {
            tenantId,
            name: valid.name,
            sku: valid.sku,
            ...money,
            taxRateBps: valid.taxRateBps ?? null,
            active: valid.active ?? true,
          },
        });
        events.push(productEvent(ProductEventType.created, tenantId, actor, product));
        return product;
      }));
    },

    async update(tenantId, actor, productId, input) {
      const valid = parseInput(updateSchema, input, 'input');
      return skuRace(() => valid.sku ?? '', () => writeWithEvents(prisma, tenantId, deps.eventsCommitted, async (tx, events) => {
        const current = isId(productId) ? await tx.product.findFirst({ where: { id: productId, tenantId } }) : null;
        if (!current) throw notFound('Product', productId);
        const currency = valid.currency ?? current.currency;
        const money =
          valid.unitPrice === undefined && valid.currency === undefined
            ? { unitPriceMinor: current.unitPriceMinor, currency: current.currency }
            : price(valid.unitPrice ?? formatAmount(current.unitPriceMinor, current.currency), currency);
        const next = {
          name: valid.name ?? current.name,
          sku: valid.sku ?? current.sku,
          ...money,
          taxRateBps: valid.taxRateBps === undefined ? current.taxRateBps : valid.taxRateBps,
          active: current.archivedAt === null ? (valid.active ?? current.active) : false,
        };
        if (valid.active === true && current.archivedAt !== null) throw badInput('input.active: an archived product cannot be activated', 'input.active');
        const same = (Object.keys(next) as Array<keyof typeof next>).every((key) => next[key] === current[key]);
        if (same) return current;
        if (next.sku !== current.sku) await skuTaken(tx, tenantId, next.sku, current.id);
        const product = await tx.product.update({ where: { id: current.id }, data: next });
        events.push(productEvent(ProductEventType.updated, tenantId, actor, product));
        return product;
      }));
    },

    async archive(tenantId, actor, productId) {
      return writeWithEvents(prisma, tenantId, deps.eventsCommitted, async (tx, events) => {
        const current = isId(productId) ? await tx.product.findFirst({ where: { id: productId, tenantId } }) : null;
        if (!current) throw notFound('Product', productId);
        if (current.archivedAt !== null) return current;
        const product = await tx.product.update({ where: { id: current.id }, data: { archivedAt: new Date(), active: false } });
        events.push(productEvent(ProductEventType.archived, tenantId, actor, product));
        return product;
      });
    },

    async list(db, { first, after, includeArchived }) {
      const cursor = after ? parseCursor(after) : null;
      if (first === 0) return { products: [], hasNextPage: false };
      const rows = await db.product.findMany({
        where: {
          ...(includeArchived ? {} : { archivedAt: null }),
          ...(cursor ? { OR: [{ name: { gt: cursor.name } }, { name: cursor.name, id: { gt: cursor.id } }] } : {}),
        },
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
        take: first + 1,
      });
      return { products: rows.slice(0, first), hasNextPage: rows.length > first };
    },
  };
}
