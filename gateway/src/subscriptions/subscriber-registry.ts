/**
 * Live board subscribers, indexed by `${tenantId}:${pipelineId}`: an event is only ever looked
 * up under its own tenant, so it cannot reach another tenant's subscriber.
 */
export interface Registered {
  readonly tenantId: string;
  readonly pipelineId: string;
}

export class SubscriberRegistry<S extends Registered> {
  private readonly byBoard = new Map<string, Set<S>>();
  private count = 0;

  static keyOf(tenantId: string, pipelineId: string): string {
    return `${tenantId}:${pipelineId}`;
  }

  /** Adds a subscriber; the returned function removes it (safe to call twice). */
  add(subscriber: S): () => void {
    const key = SubscriberRegistry.keyOf(subscriber.tenantId, subscriber.pipelineId);
    let set = this.byBoard.get(key);
    if (!set) {
      set = new Set();
      this.byBoard.set(key, set);
    }
    set.add(subscriber);
    this.count++;
    return () => {
      const current = this.byBoard.get(key);
      if (!current?.delete(subscriber)) return;
      this.count--;
      if (current.size === 0) this.byBoard.delete(key);
    };
  }

  /** Subscribers of one tenant's pipeline board (a snapshot, safe to iterate while others leave). */
  subscribersOf(tenantId: string, pipelineId: string): S[] {
    const set = this.byBoard.get(SubscriberRegistry.keyOf(tenantId, pipelineId));
    return set ? [...set] : [];
  }

  get size(): number {
    return this.count;
  }
}
