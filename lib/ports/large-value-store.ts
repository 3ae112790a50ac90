/**
 * The LargeValueStore port: where values too large to travel through a job
 * queue go, so that only a short reference crosses the wire. The distributed
 * executor writes encoded values here on one machine and reads them back on
 * another, so every machine of a run must reach the same store (a shared
 * directory, for instance). The cache's content-addressed result store can
 * implement the same two methods.
 *
 * @module
 */

/** Content-addressed storage for encoded values. */
export interface LargeValueStore {
  /**
   * Stores `bytes` and returns their reference: the same bytes always give
   * the same reference, so storing a value twice costs one write.
   */
  put(bytes: Uint8Array): Promise<string>;
  /**
   * The bytes stored under `ref`.
   *
   * @throws {Error} naming the reference and the store when it holds no such value or the bytes are damaged
   */
  get(ref: string): Promise<Uint8Array>;
}
