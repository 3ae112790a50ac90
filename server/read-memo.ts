/**
 * Answers read from the history kept until the file changes: node statistics
 * and run diffs read hundreds of rows for one page, and a page asked again
 * with nothing written since gets the answer it got (the runs list keeps its
 * counts the same way). `RunHistory.version()` changes with every commit of
 * any process to the file, the cache's included (they share it).
 *
 * @module
 */
import type { RunHistory } from "../lib/ports/run-store.ts";

/**
 * Values by key, valid while the history's version stays the same.
 *
 * @example
 * ```ts
 * const memo = new ReadMemo(history);
 * const stats = memo.get(`nodes ${samples}`, () => history.nodeStats({ samples }));
 * ```
 */
export class ReadMemo {
  readonly #history: RunHistory;
  readonly #max: number;
  readonly #values = new Map<string, unknown>();
  #version: number | undefined;

  constructor(history: RunHistory, max = 256) {
    this.#history = history;
    this.#max = max;
  }

  /** The value of `key`: kept from an earlier call while nothing was written, else computed (and kept). */
  get<T>(key: string, compute: () => T): T {
    const version = this.#history.version();
    if (version !== this.#version) {
      this.#values.clear();
      this.#version = version;
    }
    if (this.#values.has(key)) return this.#values.get(key) as T;
    const value = compute();
    if (this.#values.size >= this.#max) this.#values.delete(this.#values.keys().next().value!);
    this.#values.set(key, value);
    return value;
  }
}
