/**
 * Deals in the shared list DSL (@crm/db/list-query): filterable, sortable and groupable fields,
 * plus two filters computed per request: `amount`, compared exactly in each deal's own currency,
 * and `stale`, which depends on each stage's `rottingDays` and the time of the request.
 */
import { badInput } from '@crm/runtime';
import type { EntitySpec, Where } from '@crm/db/list-query';
import { CURRENCY_EXPONENTS } from './money.ts';

const DEAL_STATUSES = ['OPEN', 'WON', 'LOST'] as const;

const DAY_MS = 86_400_000;

/** Deals as the list DSL sees them (without the per-request `computed` filters; see `dealListSpec`). */
export const dealSpec: EntitySpec = {
  name: 'Deal',
  fields: {
    id: { column: 'id', kind: 'id', nullable: false },
    name: { column: 'name', kind: 'string', nullable: false },
    amountMinor: { column: 'amountMinor', kind: 'bigint', nullable: false },
    currency: { column: 'currency', kind: 'string', nullable: false },
    stageId: { column: 'stageId', kind: 'id', nullable: false },
    pipelineId: { column: 'pipelineId', kind: 'id', nullable: false },
    status: { column: 'status', kind: 'enum', nullable: false, values: DEAL_STATUSES },
    ownerId: { column: 'ownerId', kind: 'id', nullable: true },
    accountId: { column: 'accountId', kind: 'id', nullable: true },
    expectedCloseDate: { column: 'expectedCloseDate', kind: 'calendarDate', nullable: true },
    closedAt: { column: 'closedAt', kind: 'dateTime', nullable: true },
    stageEnteredAt: { column: 'stageEnteredAt', kind: 'dateTime', nullable: false },
    createdAt: { column: 'createdAt', kind: 'dateTime', nullable: false },
    updatedAt: { column: 'updatedAt', kind: 'dateTime', nullable: false },
  },
  relations: {},
  sortFields: {
    NAME: 'name',
    AMOUNT: 'amountMinor',
    CURRENCY: 'currency',
    STATUS: 'status',
    EXPECTED_CLOSE_DATE: 'expectedCloseDate',
    CLOSED_AT: 'closedAt',
    STAGE_ENTERED_AT: 'stageEnteredAt',
    CREATED_AT: 'createdAt',
    UPDATED_AT: 'updatedAt',
  },
  groupFields: { STAGE: 'stageId', PIPELINE: 'pipelineId', OWNER: 'ownerId', STATUS: 'status', CURRENCY: 'currency' },
  live: { deletedAt: null },
};

/** A stage that flags deals stale after `rottingDays` days. */
export interface RottingStage {
  id: string;
  rottingDays: number;
}

/**
 * The deal spec of one request: `stale` against the tenant's rotting stages at `now`, and `amount`.
 * With `amountOwners` (the caller sees only those owners' amounts, see `amountOwners` in
 * context.ts) an `amount` condition holds only for their deals, so it is false, whatever the
 * amount, for every deal whose amount is masked: filters (`not` included) cannot tell masked
 * amounts apart. (Sorting by AMOUNT is refused for such callers by the list service.)
 */
export function dealListSpec(rotting: readonly RottingStage[], now: Date, amountOwners: readonly string[] | null = null): EntitySpec {
  return {
    ...dealSpec,
    // `amountMinor` sorts AMOUNT; the GraphQL `amount` filter compiles to it per currency exponent
    computed: {
      amount: (ops, path) => {
        const conditions = amountConditions(ops, path);
        return amountOwners ? conditions.map((condition) => ({ AND: [{ ownerId: { in: [...amountOwners] } }, condition] })) : conditions;
      },
      stale: (value, path) => {
        if (typeof value !== 'boolean') throw badInput(`${path}: must be a boolean`, path);
        const stale = staleWhere(rotting, now);
        return [value ? stale : { NOT: stale }];
      },
    },
  };
}

/** Open deals that stood in a rotting stage longer than its `rottingDays` at `now`. */
export function staleWhere(rotting: readonly RottingStage[], now: Date): Where {
  if (rotting.length === 0) return { id: { in: [] } };
  return {
    status: 'OPEN',
    OR: rotting.map((stage) => ({ stageId: stage.id, stageEnteredAt: { lt: new Date(now.getTime() - stage.rottingDays * DAY_MS) } })),
  };
}

/** Currencies by number of minor-unit digits. */
const CURRENCIES_BY_EXPONENT: ReadonlyMap<number, string[]> = (() => {
  const map = new Map<number, string[]>();
  for (const [code, exponent] of Object.entries(CURRENCY_EXPONENTS)) map.set(exponent, [...(map.get(exponent) ?? []), code]);
  return map;
})();

/** A decimal `value` as `numerator / 10^scale`. */
function parseDecimal(value: unknown, path: string): { numerator: bigint; scale: number } {
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : null;
  const match = text === null ? null : /^(-?)(\d{1,19})(?:\.(\d{1,6}))?$/.exec(text);
  if (!match) throw badInput(`${path}: must be a decimal such as "1250.50"`, path);
  const fraction = match[3] ?? '';
  return { numerator: BigInt(`${match[1]}${match[2]}${fraction}`), scale: fraction.length };
}

const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));
const ceilDiv = (a: bigint, b: bigint) => -floorDiv(-a, b);

/** `value` in minor units of a currency with `exponent` digits: floor, ceil and whether it is whole. */
function minorBounds(value: { numerator: bigint; scale: number }, exponent: number): { floor: bigint; ceil: bigint; exact: boolean } {
  if (exponent >= value.scale) {
    const minor = value.numerator * 10n ** BigInt(exponent - value.scale);
    return { floor: minor, ceil: minor, exact: true };
  }
  const divisor = 10n ** BigInt(value.scale - exponent);
  const floor = floorDiv(value.numerator, divisor);
  const ceil = ceilDiv(value.numerator, divisor);
  return { floor, ceil, exact: floor === ceil };
}

const AMOUNT_OPERATORS = ['eq', 'neq', 'in', 'lt', 'lte', 'gt', 'gte'];

/**
 * `amount: { gte: "1000.5" }` → for each group of currencies with the same exponent, the matching
 * range of `amountMinor` (exact: 1000.5 JPY is never equal to a whole yen amount).
 */
export function amountConditions(ops: unknown, path: string): Where[] {
  if (typeof ops !== 'object' || ops === null || Array.isArray(ops)) throw badInput(`${path}: must be an operator object`, path);
  const out: Where[] = [];
  for (const [op, raw] of Object.entries(ops)) {
    const opPath = `${path}.${op}`;
    if (!AMOUNT_OPERATORS.includes(op)) throw badInput(`${opPath}: unknown operator for this field (use ${AMOUNT_OPERATORS.join(', ')})`, opPath);
    if (raw === undefined) continue;
    if (raw === null) throw badInput(`${opPath}: must not be null`, opPath);
    const values = op === 'in' ? listOf(raw, opPath).map((item, index) => parseDecimal(item, `${opPath}.${index}`)) : [parseDecimal(raw, opPath)];
    const groups: Where[] = [];
    for (const [exponent, currencies] of CURRENCIES_BY_EXPONENT) {
      const bounds = values.map((value) => minorBounds(value, exponent));
      const condition = minorCondition(op, bounds);
      if (condition === 'none') continue;
      groups.push(condition === 'all' ? { currency: { in: currencies } } : { currency: { in: currencies }, amountMinor: condition });
    }
    out.push(groups.length === 0 ? { id: { in: [] } } : { OR: groups });
  }
  return out;
}

function listOf(raw: unknown, path: string): unknown[] {
  if (!Array.isArray(raw)) throw badInput(`${path}: must be a list`, path);
  if (raw.length > 500) throw badInput(`${path}: at most 500 values`, path);
  return raw;
}

function minorCondition(op: string, bounds: { floor: bigint; ceil: bigint; exact: boolean }[]): Where | 'all' | 'none' {
  const [first] = bounds;
  switch (op) {
    case 'eq':
      return first!.exact ? { equals: first!.floor } : 'none';
    case 'neq':
      return first!.exact ? { not: first!.floor } : 'all';
    case 'in': {
      const whole = bounds.filter((bound) => bound.exact).map((bound) => bound.floor);
      return whole.length === 0 ? 'none' : { in: whole };
    }
    case 'lt':
      return { lt: first!.ceil };
    case 'lte':
      return { lte: first!.floor };
    case 'gt':
      return { gt: first!.floor };
    default:
      return { gte: first!.ceil };
  }
}
