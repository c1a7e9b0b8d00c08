/** Lists typed into one text field ("sales.deal.*, customer.contact.created" or one per line). */

/** The distinct non-empty items of a comma-, space- or line-separated text, in order. */
export function splitList(text: string | null | undefined): string[] {
  return [...new Set((text ?? '').split(/[\s,;]+/).filter(Boolean))];
}

/** Items of a comma- or line-separated text (spaces kept inside an item), in order, without repeats. */
export function splitOptions(text: string | null | undefined): string[] {
  return [...new Set((text ?? '').split(/[,\n]+/).map((s) => s.trim()).filter(Boolean))];
}
