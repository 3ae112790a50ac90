/**
 * The Hasher port on Deno: SHA-256 from `node:crypto`, native on every runtime.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { Hasher } from "../../lib/ports/hasher.ts";

/**
 * SHA-256 through `node:crypto`.
 * Web Crypto is asynchronous only, and a cache lookup is synchronous.
 */
export const denoHasher: Hasher = {
  sha256() {
    const h = createHash("sha256");
    return {
      update: (bytes) => void h.update(bytes),
      hex: () => h.digest("hex"),
    };
  },
};
