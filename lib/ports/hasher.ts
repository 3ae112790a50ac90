/**
 * The Hasher port: SHA-256 over bytes, supplied by each runtime (a native
 * implementation: hashing is on the cache's hot path for every value).
 *
 * @module
 */

/** One SHA-256 computation in progress. */
export interface HashState {
  /** Feeds more bytes; the view's own range only, never its whole buffer. */
  update(bytes: Uint8Array): void;
  /** Finishes the computation: the digest as 64 lowercase hex characters. */
  hex(): string;
}

/**
 * Makes SHA-256 computations. The same bytes must give the same digest on
 * every runtime, which is what makes data versions portable.
 *
 * @example
 * ```ts
 * const h = hasher.sha256();
 * h.update(new TextEncoder().encode("abc"));
 * h.hex(); // "ba7816bf…"
 * ```
 */
export interface Hasher {
  sha256(): HashState;
}
