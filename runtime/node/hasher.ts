/**
 * The Hasher port on Node: SHA-256 from `node:crypto`, native on every runtime.
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
