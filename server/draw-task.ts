/**
 * What the drawing worker runs: Graphviz's layout of a DOT source, as SVG
 * without its prolog and comments. Loaded by URL inside a worker thread (the
 * worker entry calls the `drawSvg` export as it calls a worker node), so that
 * a layout of many seconds never holds up the server's thread (issue 15).
 *
 * @module
 */
import { isWeftError, type MissingPackageError } from "../lib/errors.ts";
import { node } from "../lib/model/node.ts";
import { renderSvg } from "../lib/visualize/svg.ts";

/** A drawing, or the package that is missing to make it (a plain object: it crosses the worker boundary). */
export type DrawOutcome = { readonly svg: string } | { readonly missing: string; readonly install: readonly string[] };

/** Lays out `dot` and renders it as inline-ready SVG; a missing @viz-js/viz is an outcome, not an error. */
export async function drawSvgOf(dot: string): Promise<DrawOutcome> {
  let drawn: string;
  try {
    drawn = await renderSvg(dot);
  } catch (e) {
    if (!isWeftError(e, "missing-package")) throw e;
    const { missing, install } = e as MissingPackageError;
    return { missing, install: [...install] };
  }
  // Graphviz's prolog, doctype and comments are not needed inline.
  return { svg: drawn.replace(/^[\s\S]*?(?=<svg)/, "").replace(/<!--[\s\S]*?-->/g, "") };
}

/** {@link drawSvgOf} as the worker calls it: explicit deps, so no parameter is read from source in the worker. */
export const drawSvg = node(drawSvgOf, { deps: ["dot"] });
