/**
 * The layouts of run graphs, made once per graph (by the SHA-256 of its
 * `GraphView` JSON), kept in memory by this server and stored with the graph
 * in the run history when it can keep them (a DrawingStore): a request never
 * waits for Graphviz, and a server started again draws nothing it drew
 * before. The first request for a graph starts its drawing (through `draw`,
 * on a worker thread when the server runs, see task-worker.ts) and gets a
 * placeholder; later ones get the layout coloured for their run. A stored
 * drawing is checked for active content again when it is read back: the file
 * is not trusted more than Graphviz.
 *
 * @module
 */
import { activeContentOf } from "./active-content.ts";
import type { DrawOutcome } from "./draw-task.ts";
import { colourSvg, layoutDot, parseView, type DagDrawing } from "./dag.ts";
import type { NodeRow } from "./run-model.ts";
import type { DrawingStore } from "../lib/ports/run-store.ts";
import { WEFT_VERSION } from "../lib/version.ts";

/** What a stored drawing was made by: weft's version (its DOT and its styling) and the layout format. */
export const DRAWING_VERSION = `weft ${WEFT_VERSION}, layout 1`;

/** Makes the SVG of a DOT source, wherever that runs. */
export type DrawSvg = (dot: string) => Promise<DrawOutcome>;

type Layout =
  | { readonly status: "pending"; readonly done: Promise<void> }
  | { readonly status: "ready"; readonly svg: string }
  | { readonly status: "note"; readonly note: string; readonly failed: boolean };

/** Layouts kept: a long-running view of many flows forgets the oldest. */
const KEEP = 64;

/** The note shown while a drawing is being made. */
export const DRAWING_NOTE = "Drawing the DAG (Graphviz lays out large graphs in a few seconds); it appears here when it is ready.";

/**
 * Layouts by graph hash, drawn on demand.
 *
 * @example
 * ```ts
 * const drawings = new DagDrawings(drawSvgOf);
 * const dag = await drawings.current(run.graph, model.rows); // at once: the drawing, or a placeholder
 * const later = await drawings.settled(run.graph, model.rows, 5_000); // waits up to 5 s
 * ```
 */
export class DagDrawings {
  readonly #draw: DrawSvg;
  readonly #store: DrawingStore | undefined;
  readonly #layouts = new Map<string, Layout>();
  #closed = false;

  constructor(draw: DrawSvg, store?: DrawingStore) {
    this.#draw = draw;
    this.#store = store;
  }

  /** The run's drawing as it is now, starting it when nobody has: never waits for Graphviz. */
  async current(graphJson: string, rows: readonly NodeRow[]): Promise<DagDrawing> {
    const view = parseView(graphJson);
    if (view.nodes.length === 0) return { svg: "" };
    return this.#shown(this.#layoutOf(await hashOf(graphJson), view), view, rows);
  }

  /** Like {@link current}, but waits up to `waitMs` for a drawing in the making. */
  async settled(graphJson: string, rows: readonly NodeRow[], waitMs: number): Promise<DagDrawing> {
    const view = parseView(graphJson);
    if (view.nodes.length === 0) return { svg: "" };
    const hash = await hashOf(graphJson);
    const layout = this.#layoutOf(hash, view);
    if (layout.status === "pending") {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([layout.done, new Promise<void>((r) => (timer = setTimeout(r, waitMs)))]);
      clearTimeout(timer);
    }
    return this.#shown(this.#layouts.get(hash) ?? layout, view, rows);
  }

  /** Forgets every layout; drawings still in the making are dropped when they end. */
  close(): void {
    this.#closed = true;
    this.#layouts.clear();
  }

  #shown(layout: Layout, view: ReturnType<typeof parseView>, rows: readonly NodeRow[]): DagDrawing {
    if (layout.status === "ready") return { svg: colourSvg(layout.svg, view, rows) };
    if (layout.status === "pending") return { svg: "", note: DRAWING_NOTE, pending: true };
    return { svg: "", note: layout.note, ...(layout.failed ? { failed: true } : {}) };
  }

  #layoutOf(hash: string, view: ReturnType<typeof parseView>): Layout {
    const known = this.#layouts.get(hash);
    // A missing package is asked for again: a long-running web view draws once it is installed.
    if (known !== undefined && !(known.status === "note" && !known.failed)) return known;
    const stored = known === undefined ? this.#stored(hash) : undefined;
    if (stored !== undefined) {
      this.#keep(hash, stored);
      return stored;
    }
    const done = this.#drawn(view).then(
      (outcome) => this.#settle(hash, outcome),
      (e: unknown) => this.#settle(hash, { status: "note", note: `Cannot draw the DAG: ${(e as Error)?.message ?? String(e)}`, failed: true }),
    );
    const pending: Layout = { status: "pending", done };
    this.#keep(hash, pending);
    return pending;
  }

  async #drawn(view: ReturnType<typeof parseView>): Promise<Layout> {
    const outcome = await this.#draw(layoutDot(view));
    if ("missing" in outcome) {
      return { status: "note", note: `No drawing: "${outcome.missing}" is not installed; run "npm install ${outcome.install.join(" ")}" to draw the DAG here`, failed: false };
    }
    const svg = outcome.svg;
    // Parsed as the page's browser will parse it: a name Graphviz escaped ("x onload=y") is text, not a handler.
    const active = activeContentOf(svg);
    if (active !== undefined) throw new Error(`Cannot show the graph: the drawing holds active content (${active})`);
    return { status: "ready", svg };
  }

  /** The drawing the store keeps for `hash`, when it was made by this version and holds nothing active. */
  #stored(hash: string): Layout | undefined {
    let found;
    try {
      found = this.#store?.drawingOf(hash);
    } catch {
      return undefined; // an unreadable store: draw it
    }
    if (found === undefined || found.version !== DRAWING_VERSION || activeContentOf(found.svg) !== undefined) return undefined;
    return { status: "ready", svg: found.svg };
  }

  #settle(hash: string, layout: Layout): void {
    if (this.#closed) return;
    this.#keep(hash, layout);
    if (layout.status !== "ready") return;
    try {
      this.#store?.saveDrawing(hash, layout.svg, DRAWING_VERSION);
    } catch {
      // a read-only or busy file: the drawing stays in this server's memory
    }
  }

  #keep(hash: string, layout: Layout): void {
    this.#layouts.delete(hash);
    if (this.#layouts.size >= KEEP) this.#layouts.delete(this.#layouts.keys().next().value!);
    this.#layouts.set(hash, layout);
  }
}

async function hashOf(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
