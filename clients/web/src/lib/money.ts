/**
 * Money on the board. The API sends amounts as decimal strings (`"1250.50"`) in the deal's
 * currency, so sums are done on integers scaled by the number of decimals, never on floats.
 */

/** The sum of the amounts in one currency. */
export interface MoneyTotal {
  currency: string;
  /** Decimal string, e.g. `"12500.00"`. */
  amount: string;
}

interface ScaledDecimal {
  units: bigint;
  scale: number;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

function parseDecimal(value: string): ScaledDecimal {
  const match = DECIMAL.exec(value.trim());
  if (!match) throw new RangeError(`Not a decimal amount: "${value}"`);
  const fraction = match[3] ?? '';
  const units = BigInt(`${match[2]}${fraction}`);
  return { units: match[1] ? -units : units, scale: fraction.length };
}

function renderDecimal({ units, scale }: ScaledDecimal): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${fraction}` : ''}`;
}

function rescale(value: ScaledDecimal, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

/** Adds two decimal strings exactly; the result keeps the larger number of decimals. */
export function addDecimals(a: string, b: string): string {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  const scale = Math.max(x.scale, y.scale);
  return renderDecimal({ units: rescale(x, scale) + rescale(y, scale), scale });
}

/** Sums amounts per currency, ordered by currency code (masked amounts, null, are left out). */
export function totalsByCurrency(items: Iterable<{ amount: string | null; currency: string }>): MoneyTotal[] {
  const totals = new Map<string, string>();
  for (const { amount, currency } of items) {
    if (amount === null) continue;
    const previous = totals.get(currency);
    totals.set(currency, previous === undefined ? renderDecimal(parseDecimal(amount)) : addDecimals(previous, amount));
  }
  return [...totals.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amount]) => ({ currency, amount }));
}

const formatters = new Map<string, Intl.NumberFormat | null>();

function formatterFor(currency: string, locale: string | undefined): Intl.NumberFormat | null {
  const key = `${locale ?? ''}|${currency}`;
  if (!formatters.has(key)) {
    try {
      formatters.set(key, new Intl.NumberFormat(locale, { style: 'currency', currency }));
    } catch {
      // Not an ISO 4217 code this runtime knows: fall back to the plain amount and code.
      formatters.set(key, null);
    }
  }
  return formatters.get(key) ?? null;
}

/**
 * Formats a decimal string as money in the user's locale (`"$1,250.50"`). The string is
 * passed to Intl as is, so large amounts keep every digit. A null amount is one the tenant masks
 * for this user (a deal outside their team): shown as `Hidden`.
 */
export function formatMoney(amount: string | null, currency: string, locale?: string): string {
  if (amount === null) return 'Hidden';
  const formatter = formatterFor(currency, locale);
  return formatter ? formatter.format(amount as Intl.StringNumericLiteral) : `${amount} ${currency}`;
}

/**
 * `percent`% of a decimal amount, exactly (the result has two more decimals): the weighted
 * value of a deal at its stage's win probability.
 */
export function percentOf(amount: string, percent: number): string {
  if (!Number.isInteger(percent)) throw new RangeError(`Not a whole percentage: ${percent}`);
  const value = parseDecimal(amount);
  return renderDecimal({ units: value.units * BigInt(percent), scale: value.scale + 2 });
}
