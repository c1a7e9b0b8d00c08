/**
 * Live board updates. The gateway pushes one event per deal change with the deal as it is
 * now (or `null` when the viewer may no longer see it). Events of one deal arrive in order,
 * but delivery is at-least-once, so a deal's event may come twice; events of different deals
 * may interleave in any order.
 */

/** The fields of a `PipelineBoardEvent` the board logic reads. */
export interface BoardEventLike<D extends { id: string }> {
  /** Pipeline sequence number of the change, a decimal string (64-bit). */
  sequence: string;
  dealId: string;
  deal?: D | null;
}

/**
 * Applies an event to the board's list of deals: replaces the deal in place, appends it when
 * it is new to the board, or removes it when the event carries no deal. Returns the same array
 * when nothing changes.
 */
export function applyBoardEvent<D extends { id: string }>(deals: D[], event: BoardEventLike<D>): D[] {
  const index = deals.findIndex((deal) => deal.id === event.dealId);
  if (!event.deal) return index === -1 ? deals : deals.filter((deal) => deal.id !== event.dealId);
  if (index === -1) return [...deals, event.deal];
  const next = [...deals];
  next[index] = event.deal;
  return next;
}

function parseSequence(sequence: string): bigint | null {
  try {
    return BigInt(sequence);
  } catch {
    return null;
  }
}

/**
 * Remembers the last sequence applied per deal, so a redelivered or older event of a deal is
 * skipped. Ordering is only ever compared within one deal.
 */
export class DealSequenceTracker {
  readonly #last = new Map<string, bigint>();

  /** True when the event is newer than anything applied for its deal (and records it). */
  accept(event: { dealId: string; sequence: string }): boolean {
    const sequence = parseSequence(event.sequence);
    if (sequence === null) return true;
    const last = this.#last.get(event.dealId);
    if (last !== undefined && sequence <= last) return false;
    this.#last.set(event.dealId, sequence);
    return true;
  }

  /** Forgets everything, e.g. after the board was reloaded from the server. */
  reset(): void {
    this.#last.clear();
  }
}
