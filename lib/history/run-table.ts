/**
 * The latest runs of a flow side by side (DVC's `exp show`): one row per run,
 * a column per input, override and config value given, and a column per
 * requested output whose result preview is short (a scalar, a short string),
 * with `onlyChanged` keeping only the columns whose value differs between
 * the rows. Read from the run history alone.
 *
 * @module
 */
import type { RunHistory, RunStatus } from "../ports/run-store.ts";
import { ownValue } from "../own-property.ts";

/** Options of {@link runTable}. */
export interface RunTableOptions {
  /** Runs read, newest first (default 20, at most 500). */
  readonly last?: number;
  /** Only runs of this flow: the modules the driver was built with, joined by "+" as the runs list shows them. */
  readonly flow?: string;
  /** Keep only the columns whose value differs between the rows. */
  readonly onlyChanged?: boolean;
}

/** One column: where its values come from and its name. */
export interface RunTableColumn {
  readonly kind: "input" | "override" | "config" | "output";
  readonly name: string;
}

/** One run's row: its values by column, in the order of `columns` (`undefined`: not given, or not computed). */
export interface RunTableRow {
  readonly id: string;
  readonly start: number;
  readonly status: RunStatus;
  readonly flow: string;
  readonly values: readonly (string | undefined)[];
}

/** What {@link runTable} returns. */
export interface RunTable {
  readonly columns: readonly RunTableColumn[];
  readonly rows: readonly RunTableRow[];
}

/** A preview longer than this is not a scalar output: left out of the table. */
const SCALAR_LENGTH = 40;

/**
 * The latest runs as a table of given values and short outputs.
 *
 * @throws {RangeError} for a `last` that is not a whole number from 1 to 500
 * @example
 * ```ts
 * const { columns, rows } = runTable(dr.history!, { last: 10, onlyChanged: true });
 * ```
 */
export function runTable(history: RunHistory, options: RunTableOptions = {}): RunTable {
  const last = options.last ?? 20;
  if (!Number.isInteger(last) || last < 1 || last > 500) throw new RangeError(`The number of runs must be a whole number from 1 to 500, got ${String(last)}`);
  const summaries = history.listRuns({ limit: 500 }).runs.filter((r) => options.flow === undefined || r.modules.join("+") === options.flow).slice(0, last);
  const columns: RunTableColumn[] = [];
  const seen = new Set<string>();
  const add = (kind: RunTableColumn["kind"], name: string) => {
    const key = `${kind}\0${name}`;
    if (!seen.has(key)) seen.add(key), columns.push({ kind, name });
  };
  const rows = summaries.map((s) => {
    const run = history.getRun(s.id)!;
    const outputs = new Map<string, string>();
    for (const n of history.nodesOf(s.id)) {
      if (n.item === "" && run.outputs.includes(n.node) && n.preview !== undefined && n.preview.length <= SCALAR_LENGTH) outputs.set(n.node, n.preview);
    }
    const given: [RunTableColumn["kind"], Readonly<Record<string, string>>][] = [["input", run.inputs], ["override", run.overrides], ["config", run.config]];
    for (const [kind, values] of given) for (const name of Object.keys(values).sort()) add(kind, name);
    for (const name of outputs.keys()) add("output", name);
    return { run, given, outputs };
  });
  // Inputs, overrides and config first, then outputs, each in the order first seen.
  const order = { input: 0, override: 1, config: 2, output: 3 };
  const sorted = columns.map((c, i) => ({ c, i })).sort((x, y) => order[x.c.kind] - order[y.c.kind] || x.i - y.i).map((x) => x.c);
  const valueOf = (r: (typeof rows)[number], c: RunTableColumn): string | undefined => {
    if (c.kind === "output") return r.outputs.get(c.name);
    const values = r.given.find(([k]) => k === c.kind)![1];
    return ownValue(values, c.name) as string | undefined;
  };
  const kept = options.onlyChanged ? sorted.filter((c) => new Set(rows.map((r) => valueOf(r, c))).size > 1) : sorted;
  return {
    columns: kept,
    rows: rows.map((r) => ({ id: r.run.id, start: r.run.start, status: r.run.status, flow: r.run.modules.join("+"), values: kept.map((c) => valueOf(r, c)) })),
  };
}
