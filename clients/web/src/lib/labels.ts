/** How enum values and dates read on screen. */

/** `MARKETING_QUALIFIED` → `Marketing qualified`. */
export function enumLabel(value: string): string {
  const words = value.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function optionsOf(values: readonly string[]): Array<{ value: string; label: string }> {
  return values.map((value) => ({ value, label: enumLabel(value) }));
}

export const LIFECYCLE_STAGES = [
  'SUBSCRIBER',
  'LEAD',
  'MARKETING_QUALIFIED',
  'SALES_QUALIFIED',
  'OPPORTUNITY',
  'CUSTOMER',
  'EVANGELIST',
  'OTHER',
] as const;

export const LEAD_STATUSES = ['NEW', 'CONTACTED', 'QUALIFIED', 'UNQUALIFIED', 'CONVERTED'] as const;

/** A date-time of the API as a short local date ("12 Mar 2026"); '—' when absent or unreadable. */
export function formatDate(value: string | null | undefined, locale?: string): string {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '—' : date.toLocaleDateString(locale, { day: 'numeric', month: 'short', year: 'numeric' });
}
