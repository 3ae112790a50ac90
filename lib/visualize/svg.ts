/**
 * SVG from DOT with Graphviz compiled to WebAssembly (`@viz-js/viz`): the real
 * dot layout, offline (the wasm ships inside the package), the same on Bun,
 * Deno, Node and in a browser. Loaded on first use and kept. An optional
 * peer dependency: without it, SVG fails with a MissingPackageError and DOT
 * and Mermaid still work.
 *
 * @module
 */
import type { Viz } from "@viz-js/viz";
import { importOptional, type OptionalPackage } from "../import-optional.ts";

/** @viz-js/viz, for {@link importOptional}. */
export const VIZ_PACKAGE: OptionalPackage = { specifier: "@viz-js/viz", whatFor: "draw SVG", otherwise: "draw DOT or Mermaid, which need no package" };

let viz: Promise<Viz> | undefined;

/**
 * Lays out and renders DOT source as SVG.
 *
 * @throws {MissingPackageError} when @viz-js/viz is not installed:
 *   `Cannot draw SVG: "@viz-js/viz" is not installed; run "npm install @viz-js/viz", or draw DOT or Mermaid, which need no package`
 * @throws {Error} when Graphviz rejects the DOT source, with its messages
 * @example
 * ```ts
 * const svg = await renderSvg('digraph { a -> b }');
 * ```
 */
export async function renderSvg(dot: string): Promise<string> {
  viz ??= loadViz();
  const result = (await viz).render(dot, { format: "svg" });
  if (result.status !== "success") {
    throw new Error(`Cannot render the graph as SVG: ${result.errors.map((e) => e.message).join("; ") || "Graphviz failed"}`);
  }
  return result.output;
}

function loadViz(): Promise<Viz> {
  const loading = importOptional(() => import("@viz-js/viz"), VIZ_PACKAGE).then((m) => m.instance());
  // A failure is not kept: a long-running web view finds the package once it is installed.
  loading.catch(() => void (viz === loading && (viz = undefined)));
  return loading;
}
