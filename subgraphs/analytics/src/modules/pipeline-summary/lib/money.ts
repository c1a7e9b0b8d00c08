/**
 * Money formatting. Amounts travel as integer minor units (`bigint`, never floats) and are shown
 * as decimal strings with the currency's ISO 4217 exponent: 123450n USD -> "1234.50",
 * 1500n JPY -> "1500", 1234n KWD -> "1.234".
 */

/** ISO 4217 currencies whose minor unit is not 2 digits. Every other code uses 2. */
const EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0,
  VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

export const DEFAULT_EXPONENT = 2;

/** Digits after the decimal point for `currency` (ISO 4217; 2 when not listed). */
export function currencyExponent(currency: string): number {
  return EXPONENTS[currency.toUpperCase()] ?? DEFAULT_EXPONENT;
}

/** Formats integer minor units as a decimal string in `currency`'s exponent. */
export function formatMinor(amountMinor: bigint, currency: string): string {
  const exponent = currencyExponent(currency);
  const negative = amountMinor < 0n;
  const digits = (negative ? -amountMinor : amountMinor).toString();
  if (exponent === 0) return negative ? `-${digits}` : digits;
  const padded = digits.padStart(exponent + 1, '0');
  const whole = padded.slice(0, -exponent);
  const fraction = padded.slice(-exponent);
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}
