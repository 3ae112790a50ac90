/**
 * Rich notebook output for the notebook example: values that Jupyter
 * frontends draw as HTML tables, through the display protocol Deno's kernel
 * reads (a method under `Symbol.for("Jupyter.display")` that returns a MIME
 * bundle). Plain objects and strings, so this file runs anywhere; only the
 * kernel calls the method. Every bundle has a `text/plain` twin for
 * frontends that draw no HTML (and for `jupyter nbconvert --to markdown`).
 *
 * @module
 */

/** The MIME bundle a Jupyter frontend picks one representation from. */
export interface MediaBundle {
  readonly "text/plain": string;
  readonly "text/html"?: string;
  readonly "image/svg+xml"?: string;
}

/** The key Deno's kernel looks a value's MIME bundle up under (`Deno.jupyter.$display`). */
export const DISPLAY: unique symbol = Symbol.for("Jupyter.display");

/** A value Deno's Jupyter kernel displays as the {@link MediaBundle} its method returns. */
export interface Displayable {
  readonly [DISPLAY]: () => MediaBundle;
}

/** One line of a run: a node and what the cache did for it. */
export interface NodeOutcome {
  readonly node: string;
  readonly cache?: { readonly status: string; readonly reason?: string };
  readonly duration: number;
}

/**
 * A table of the nodes of a run, one row per node: `from cache` or
 * `computed (reason)`, and how long it took.
 *
 * @example
 * ```ts
 * const events: NodeOutcome[] = [];
 * // ...withHooks({ afterNode: (e) => void events.push(e) }), then execute:
 * runTable(events); // the last expression of a cell is displayed
 * ```
 */
export function runTable(events: readonly NodeOutcome[]): Displayable {
  const rows = events.map((e) => [e.node, outcome(e), `${e.duration.toFixed(1)} ms`]);
  return table(["node", "cache", "took"], rows);
}

/** What the cache did for one node, as the example's script prints it. */
export function outcome(e: NodeOutcome): string {
  return e.cache?.status === "hit" ? "from cache" : `computed (${e.cache?.reason ?? "not cached"})`;
}

/** An HTML table with a plain-text twin (columns padded to their widest cell). */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): Displayable {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  const plain = [line(head), ...rows.map(line)].join("\n");
  const cell = (tag: string) => (c: string) => `<${tag} style="text-align:left">${escapeHtml(c)}</${tag}>`;
  const html = `<table><thead><tr>${head.map(cell("th")).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map(cell("td")).join("")}</tr>`)
    .join("")}</tbody></table>`;
  return displayable({ "text/plain": plain, "text/html": html });
}

/** A value the kernel displays as `bundle`. */
export function displayable(bundle: MediaBundle): Displayable {
  return { [DISPLAY]: () => bundle };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
