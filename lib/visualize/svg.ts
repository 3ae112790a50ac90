/**
 * SVG from DOT with Graphviz compiled to WebAssembly (`@viz-js/viz`): the real
 * dot layout, offline (the wasm ships inside the package), the same on Bun,
 * Deno, Node and in a browser. Loaded on first use and kept.
 *
 * @module
 */
import type { Viz } from "@viz-js/viz";

let viz: Promise<Viz> | undefined;

/**
 * Lays out and renders DOT source as SVG.
 *
 * @throws {Error} when Graphviz rejects the DOT source, with its messages
 * @example
 * ```ts
 * const svg = await renderSvg('digraph { a -> b }');
 * ```
 */
export async function renderSvg(dot: string): Promise<string> {
  viz ??= import("@viz-js/viz").then((m) => m.instance());
  const result = (await viz).render(dot, { format: "svg" });
  if (result.status !== "success") {
    throw new Error(`Cannot render the graph as SVG: ${result.errors.map((e) => e.message).join("; ") || "Graphviz failed"}`);
  }
  return result.output;
}
