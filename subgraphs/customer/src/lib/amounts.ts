/** Money amounts as people write them in sheets, and back: decimal text <-> minor units of a currency. */

/** The ISO 4217 codes this runtime knows (Intl formats any three letters, known or not). */
const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** Digits after the decimal point of an ISO 4217 currency (2 for USD, 0 for JPY, 3 for KWD); null for an unknown code. */
export function minorDigits(currency: string): number | null {
  if (!CURRENCIES.has(currency)) return null;
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}


/** An amount as written in a sheet ("1,250,000.50", "1 250 000") in minor units of `digits`, or null. */
export function toMinorUnits(cell: string, digits: number): string | null {
  const plain = cell.replace(/[\s,_']/g, '');
  const match = /^(\d{1,18})(?:\.(\d+))?$/.exec(plain);
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > digits && /[1-9]/.test(fraction.slice(digits))) return null;
  const minor = BigInt(match[1]!) * 10n ** BigInt(digits) + BigInt((fraction.slice(0, digits) || '0').padEnd(digits, '0'));
  return minor.toString();
}

/** Minor units as a decimal amount ("120050", 2 -> "1200.50"; "-5", 2 -> "-0.05"). */
export function fromMinorUnits(minor: string, digits: number): string {
  const value = BigInt(minor);
  const negative = value < 0n;
  const text = (negative ? -value : value).toString().padStart(digits + 1, '0');
  const whole = digits > 0 ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  return negative ? `-${whole}` : whole;
}

/** "1,200.50 EUR" or "EUR 1200.50" as minor units and currency; null when it is neither. */
export function parseMoneyCell(cell: string): { amountMinor: string; currency: string } | null {
  const match = /^(?:([A-Za-z]{3})\s*)?([\d\s,_'.]*\d[\d\s,_'.]*?)(?:\s*([A-Za-z]{3}))?$/.exec(cell.trim());
  if (!match || Boolean(match[1]) === Boolean(match[3])) return null;
  const currency = (match[1] ?? match[3]!).toUpperCase();
  const digits = minorDigits(currency);
  if (digits === null) return null;
  const amountMinor = toMinorUnits(match[2]!, digits);
  return amountMinor === null ? null : { amountMinor, currency };
}
