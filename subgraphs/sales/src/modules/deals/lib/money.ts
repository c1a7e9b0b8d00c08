/**
 * Money as exact integers. Amounts travel as decimal strings ("1250.50") and are stored in the
 * currency's minor units (125050 cents) as a BigInt, so no value ever passes through a float.
 */

/** ISO 4217 currencies we accept, with their number of minor-unit digits. */
export const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = Object.freeze({
  AED: 2, ARS: 2, AUD: 2, BHD: 3, BRL: 2, CAD: 2, CHF: 2, CLP: 0, CNY: 2, COP: 2,
  CZK: 2, DKK: 2, EGP: 2, EUR: 2, GBP: 2, HKD: 2, HUF: 2, IDR: 2, ILS: 2, INR: 2,
  ISK: 0, JOD: 3, JPY: 0, KRW: 0, KWD: 3, MXN: 2, MYR: 2, NGN: 2, NOK: 2, NZD: 2,
  OMR: 3, PEN: 2, PHP: 2, PLN: 2, RON: 2, SAR: 2, SEK: 2, SGD: 2, THB: 2, TND: 3,
  TRY: 2, TWD: 2, UAH: 2, USD: 2, VND: 0, ZAR: 2,
});

/** Largest amount we store: PostgreSQL `bigint`. */
export const MAX_AMOUNT_MINOR = 9_223_372_036_854_775_807n;

/** Why an amount or currency was refused; the message is safe to show to the caller. */
export class MoneyError extends Error {
  constructor(
    readonly field: 'amount' | 'currency',
    message: string,
  ) {
    super(message);
  }
}

/** Normalizes a currency code (trimmed, upper case) and checks that we know it. */
export function parseCurrency(input: string): string {
  const code = input.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw new MoneyError('currency', 'currency must be a three-letter ISO 4217 code');
  if (CURRENCY_EXPONENTS[code] === undefined) throw new MoneyError('currency', `currency ${code} is not supported`);
  return code;
}

export function exponentOf(currency: string): number {
  const exponent = CURRENCY_EXPONENTS[currency];
  if (exponent === undefined) throw new MoneyError('currency', `currency ${currency} is not supported`);
  return exponent;
}

/**
 * Parses a non-negative decimal string into minor units of `currency` (already normalized).
 * Trailing zeros beyond the currency's precision are accepted ("10.500" USD), other extra digits are not.
 */
export function parseAmount(input: string, currency: string): bigint {
  const exponent = exponentOf(currency);
  const text = input.trim();
  if (text.startsWith('-')) throw new MoneyError('amount', 'amount must not be negative');
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new MoneyError('amount', 'amount must be a decimal number such as "1250.50"');
  const whole = match[1]!;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > exponent) {
    throw new MoneyError(
      'amount',
      exponent === 0 ? `amount must be a whole number in ${currency}` : `amount has more than ${exponent} decimals for ${currency}`,
    );
  }
  const minor = BigInt(whole + fraction.padEnd(exponent, '0'));
  if (minor > MAX_AMOUNT_MINOR) throw new MoneyError('amount', 'amount is too large');
  return minor;
}

/** Formats minor units as a decimal string with exactly the currency's number of decimals. */
export function formatAmount(minor: bigint, currency: string): string {
  const exponent = exponentOf(currency);
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${negative ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`;
}
