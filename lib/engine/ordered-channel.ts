/**
 * An async iterable of per-item values in item order, fed as items finish in
 * any order: what a streaming `collect` node consumes. Out-of-order values
 * wait in a map until their turn; `buffered` tells the producer how far
 * ahead of the consumer it is, so it can stop pulling items (backpressure).
 *
 * @module
 */

/** A one-consumer, in-order channel. */
export class OrderedChannel<T> implements AsyncIterable<T> {
  readonly #waiting = new Map<number, T>();
  #next = 0; // index the consumer reads next
  #produced = 0; // values received
  #total: number | undefined; // set by end()
  #failure: { readonly error: unknown } | undefined;
  #reader: ((r: IteratorResult<T>) => void) | undefined;
  #readerFail: ((e: unknown) => void) | undefined;
  #abandoned = false;
  /** Called whenever the consumer takes a value or leaves. */
  onDrain: (() => void) | undefined;

  /** Values received but not yet read (0 once the consumer has left). */
  get buffered(): number {
    return this.#abandoned ? 0 : this.#produced - this.#next;
  }

  /** Adds the value of item `index`. */
  put(index: number, value: T): void {
    if (this.#abandoned) return;
    this.#produced++;
    this.#waiting.set(index, value);
    this.#deliver();
  }

  /** No more values: `total` items were produced. */
  end(total: number): void {
    this.#total = total;
    this.#deliver();
  }

  /** Fails the consumer's next read. */
  fail(error: unknown): void {
    this.#failure = { error };
    this.#deliver();
  }

  #deliver(): void {
    if (this.#reader === undefined) return;
    const resolve = this.#reader;
    const reject = this.#readerFail!;
    if (this.#waiting.has(this.#next)) {
      const value = this.#waiting.get(this.#next)!;
      this.#waiting.delete(this.#next++);
      this.#reader = this.#readerFail = undefined;
      resolve({ done: false, value });
      this.onDrain?.();
    } else if (this.#failure) {
      this.#reader = this.#readerFail = undefined;
      reject(this.#failure.error);
    } else if (this.#total !== undefined && this.#next >= this.#total) {
      this.#reader = this.#readerFail = undefined;
      resolve({ done: true, value: undefined });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () =>
        new Promise<IteratorResult<T>>((resolve, reject) => {
          if (this.#reader !== undefined) throw new Error("A collected stream has one reader at a time");
          this.#reader = resolve;
          this.#readerFail = reject;
          this.#deliver();
        }),
      return: async () => {
        // The consumer stopped early: drop what comes, and never hold the producer back.
        this.#abandoned = true;
        this.#waiting.clear();
        this.onDrain?.();
        return { done: true, value: undefined };
      },
    };
  }
}
