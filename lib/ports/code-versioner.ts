/**
 * The CodeVersioner port: a node's code version as a string that two
 * processes compare to tell whether they run the same code (the BullMQ
 * executor and `weft worker`). The composition root plugs in the cache's
 * code versions (cache/node-code-version.ts), so the cache and the
 * distributed executor agree on what "the same code" means; read from the
 * module's file, they agree across runtimes too.
 *
 * @module
 */
import type { NodeSpec } from "../model/node-specs.ts";

/**
 * `manual:<version>` when the node sets `node(fn, { version })`, otherwise a
 * hash of its code (`sha256:<hex>`), read from the module file at `module.url`
 * (the function's own text when there is none).
 */
export type CodeVersioner = (
  spec: Pick<NodeSpec, "source" | "options" | "exportName">,
  module?: { readonly exports?: object; readonly url?: string },
) => Promise<string>;
