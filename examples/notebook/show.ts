/**
 * Rich notebook output for the notebook example: a plan and a run as HTML
 * tables, through the display protocol Deno's kernel reads (a method under
 * `Symbol.for("Jupyter.display")` that returns a MIME bundle), and `show()`,
 * which puts outputs below a cell so that a headless run keeps them too.
 * Every bundle has a `text/plain` twin (the plan's is `formatPlan`'s table)
 * for frontends that draw no HTML and for `jupyter nbconvert --to markdown`.
 *
 * @module
 */
import { formatPlan, type DriverPlan, type NodeEndEvent } from "../../mod.ts";

/** The MIME bundle a Jupyter frontend picks one representation from. */
export interface MediaBundle {
  readonly "text/plain": string;
  readonly "text/html"?: string;
  readonly "image/svg+xml"?: string;
}

/**
 * How long {@link show} waits after displaying. Deno's kernel (2.9) sends a
 * cell's outputs from a second loop and may report the cell done before they
 * are out; a frontend still draws them, but `jupyter nbconvert --execute`
 * stops reading at "done" and loses them. Measured over 30 headless runs of
 * the notebook on a loaded 2-core machine: with no wait, 10 of 150 outputs
 * lost; after a timer (0 ms, and 200 ms), none of 150 each.
 */
const SETTLE_MS = 50;

/**
 * Shows each value below the running cell, in order: a string as printed
 * text, anything else through `Deno.jupyter.display` (a {@link Displayable}
 * as its MIME bundle). Deno's Jupyter kernel only.
 *
 * @example
 * ```ts
 * await show("best region: west (2218)", runTable(events));
 * ```
 */
export async function show(...values: unknown[]): Promise<void> {
  // Through globalThis: this file is type-checked with Bun's types too, where there is no `Deno`.
  const { jupyter } = (globalThis as unknown as { Deno: { jupyter: { display(value: unknown): Promise<void> } } }).Deno;
  for (const value of values) {
    if (typeof value === "string") console.log(value);
    else await jupyter.display(value);
  }
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

/** The key Deno's kernel looks a value's MIME bundle up under (`Deno.jupyter.$display`). */
export const DISPLAY: unique symbol = Symbol.for("Jupyter.display");

/** A value Deno's Jupyter kernel displays as the {@link MediaBundle} its method returns. */
export interface Displayable {
  readonly [DISPLAY]: () => MediaBundle;
}

/**
 * A table of the nodes of a run, one row per node: `from cache` or
 * `computed (reason)`, and how long it took.
 *
 * @example
 * ```ts
 * const events: NodeEndEvent[] = [];
 * // ...withHooks({ afterNode: (e) => void events.push(e) }), then execute:
 * await show(runTable(events));
 * ```
 */
export function runTable(events: readonly NodeEndEvent[]): Displayable {
  const rows = events.map((e) => [e.node, outcome(e), `${e.duration.toFixed(1)} ms`]);
  return table(["node", "cache", "took"], rows);
}

/**
 * `driver.plan()` as a table, one row per node call: hit, miss (why),
 * pending…, and its median duration from the run history, then the counts
 * and the estimate.
 *
 * @example
 * ```ts
 * await show(planTable(dr.plan(["summary"], { inputs: { days: 30 } })));
 * ```
 */
export function planTable(plan: DriverPlan): Displayable {
  const rows = plan.nodes.map((n) => [n.node, n.status, n.reason ?? "", n.estimateMs === undefined ? "" : `${n.estimateMs.toFixed(1)} ms`]);
  const counts = Object.entries(plan.counts).filter(([, n]) => n > 0).map(([status, n]) => `${n} ${status}`).join(", ");
  const html = tableHtml(["node", "status", "reason", "estimate"], rows) + `<p>${escapeHtml(`${counts || "no nodes"}; ${plan.estimate.message}`)}</p>`;
  return displayable({ "text/plain": formatPlan(plan), "text/html": html });
}

/** What the cache did for one node, as the example's script prints it. */
export function outcome(e: NodeEndEvent): string {
  return e.cache?.status === "hit" ? "from cache" : `computed (${e.cache?.reason ?? "not cached"})`;
}

/** An HTML table with a plain-text twin (columns padded to their widest cell). */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): Displayable {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return displayable({ "text/plain": [line(head), ...rows.map(line)].join("\n"), "text/html": tableHtml(head, rows) });
}

function tableHtml(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (tag: string) => (c: string) => `<${tag} style="text-align:left">${escapeHtml(c)}</${tag}>`;
  const body = rows.map((r) => `<tr>${r.map(cell("td")).join("")}</tr>`).join("");
  return `<table><thead><tr>${head.map(cell("th")).join("")}</tr></thead><tbody>${body}</tbody></table>`;
}

/** A value the kernel displays as `bundle`. */
export function displayable(bundle: MediaBundle): Displayable {
  return { [DISPLAY]: () => bundle };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
