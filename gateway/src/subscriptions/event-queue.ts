/**
 * The outgoing messages of one subscription, as the async iterator graphql-ws reads from.
 *
 * Items wait here while the client's socket is busy. Every queue of a connection shares one
 * budget: when the connection has more undelivered messages than the budget allows, the client
 * is not keeping up and `onOverflow` is called (the connection is then closed with 4429).
 */

/** Undelivered messages of one connection, shared by its subscriptions. */
export interface DeliveryBudget {
  pending: number;
  readonly limit: number;
  onOverflow(): void;
}

export class EventQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private done = false;

  constructor(
    private readonly budget: DeliveryBudget,
    private readonly onEnd: () => void,
  ) {}

  get closed(): boolean {
    return this.done;
  }

  /** Queues one message; returns false when the queue is closed or the budget is exceeded. */
  push(item: T): boolean {
    if (this.done) return false;
    if (this.waiting) {
      const deliver = this.waiting;
      this.waiting = undefined;
      deliver({ value: item, done: false });
      return true;
    }
    if (this.budget.pending >= this.budget.limit) {
      this.budget.onOverflow();
      return false;
    }
    this.items.push(item);
    this.budget.pending++;
    return true;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length) {
      this.budget.pending--;
      return Promise.resolve({ value: this.items.shift() as T, done: false });
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  /** Ends the subscription (client completed or disconnected): drops what is still queued. */
  return(): Promise<IteratorResult<T>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.end();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private end(): void {
    if (this.done) return;
    this.done = true;
    this.budget.pending -= this.items.length;
    this.items.length = 0;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ value: undefined, done: true });
    this.onEnd();
  }
}
