/**
 * Live subscribers of one kind, indexed by `${tenantId}:${scope}` (a pipeline for boards, a user
 * for notifications): an event is only ever looked up under its own tenant, so it cannot reach
 * another tenant's subscriber.
 */
export interface Registered {
  readonly tenantId: string;
}

export class SubscriberRegistry<S extends Registered> {
  private readonly byScope = new Map<string, Set<S>>();
  private count = 0;

  /** `scopeOf` names what a subscriber listens to within its tenant. */
  constructor(private readonly scopeOf: (subscriber: S) => string) {}

  static keyOf(tenantId: string, scope: string): string {
    return `${tenantId}:${scope}`;
  }

  /** Adds a subscriber; the returned function removes it (safe to call twice). */
  add(subscriber: S): () => void {
    const key = SubscriberRegistry.keyOf(subscriber.tenantId, this.scopeOf(subscriber));
    let set = this.byScope.get(key);
    if (!set) {
      set = new Set();
      this.byScope.set(key, set);
    }
    set.add(subscriber);
    this.count++;
    return () => {
      const current = this.byScope.get(key);
      if (!current?.delete(subscriber)) return;
      this.count--;
      if (current.size === 0) this.byScope.delete(key);
    };
  }

  /** Subscribers of one tenant's scope (a snapshot, safe to iterate while others leave). */
  subscribersOf(tenantId: string, scope: string): S[] {
    const set = this.byScope.get(SubscriberRegistry.keyOf(tenantId, scope));
    return set ? [...set] : [];
  }

  get size(): number {
    return this.count;
  }
}
