/**
 * The Hasher port: SHA-256 from `node:crypto`, native on Bun, Deno and Node
 * alike (on Bun it measured faster than `Bun.CryptoHasher`: 0.38 µs against
 * 0.44 µs for a small value, 59 ms against 77 ms for 100 MB), so the three
 * runtimes share this one adapter.
 *
 * @module
 */
/// <reference types="node" />
import { createHash } from "node:crypto";
import type { Hasher } from "../../lib/ports/hasher.ts";

/**
 * SHA-256 through `node:crypto`.
 */
export const nodeHasher: Hasher = {
  sha256() {
    const h = createHash("sha256");
    return {
      update: (bytes) => void h.update(bytes),
      hex: () => h.digest("hex"),
    };
  },
};
