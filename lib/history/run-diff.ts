/**
 * What changed between two runs, and why an output differs: the inputs,
 * overrides and config given; the nodes whose code changed (in the cache's
 * source terms); per node, its data version, status and duration in each run;
 * and for each output, the **frontier**: the nodes upstream of it whose value
 * changed while none of their inputs did, each `code changed` (with the
 * reason) or `non-deterministic` (same code, same inputs, another value).
 * Data versions and key parts come from the cache's per-run records, so the
 * frontier needs runs that used the cache of the same file; a small output's
 * values are read back and diffed by path.
 *
 * @module
 */
import type { CacheEntry, CacheRecord } from "../ports/metadata-store.ts";
import type { NodeRecord, RunDetail, RunHistory } from "../ports/run-store.ts";
import { ownValue } from "../own-property.ts";
import type { Cache } from "../ports/cache.ts";

/** What the diff reads from the cache beside the history: its per-run records, entries and results. */
export type CacheRecordsReader = Pick<Cache, "runRecords" | "entry" | "result" | "explainChange">;

/** A given value (input, override or config) that differs, by its preview. */
export interface ValueChange {
  readonly name: string;
  readonly before?: string;
  readonly after?: string;
}

/** One node call in either run. */
export interface NodeChange {
  /** As recorded: the node, with item indexes inside map/reduce blocks. */
  readonly node: string;
  readonly before?: NodeSide;
  readonly after?: NodeSide;
  /** Both runs have a data version for it and they differ. */
  readonly valueChanged: boolean;
  /** Its code version differs between the runs (the reason in source terms). */
  readonly codeChange?: string;
}

/** A node call in one run. */
export interface NodeSide {
  readonly status: string;
  readonly dataVersion?: string;
  /** "hit", "miss" or "uncacheable". */
  readonly cache?: string;
  readonly durationMs?: number;
  readonly preview?: string;
}

/** A node on an output's frontier: its value changed while none of its inputs did. */
export interface FrontierNode {
  readonly node: string;
  readonly cause: "code changed" | "non-deterministic";
  /** For code: what changed, in source terms; for the other: "same code and inputs, different value". */
  readonly reason: string;
}

/** A difference inside a value, by path (`.total`, `[3].name`). */
export interface PathChange {
  readonly path: string;
  readonly before?: string;
  readonly after?: string;
}

/** Why one output differs between the runs. */
export interface OutputBlame {
  readonly output: string;
  /** `true`/`false` when both runs have its data version; `undefined` when one does not. */
  readonly changed?: boolean;
  /** The nodes where the change starts; [] when the output is unchanged or only given values changed. */
  readonly frontier: readonly FrontierNode[];
  /** Differences by path when both values are small and readable from the cache (at most 20). */
  readonly paths?: readonly PathChange[];
  /** Why there is no frontier or no paths, when there is none. */
  readonly note?: string;
}

/** What `diff(a, b)` found. */
export interface RunDiff {
  readonly a: string;
  readonly b: string;
  readonly inputs: readonly ValueChange[];
  readonly overrides: readonly ValueChange[];
  readonly config: readonly ValueChange[];
  /** Nodes whose code changed, with the reason. */
  readonly code: readonly { readonly node: string; readonly reason: string }[];
  /** Every node call of either run, in the order of run b then the ones only in a. */
  readonly nodes: readonly NodeChange[];
  readonly outputs: readonly OutputBlame[];
  /** Set when the runs have no cache records: no data versions, no frontier. */
  readonly note?: string;
}

/** Options of {@link diffRuns}. */
export interface DiffOptions {
  /** The outputs to blame; default: the outputs run b asked for. */
  readonly outputs?: readonly string[];
}

/** Differences by path listed at most. */
const MAX_PATHS = 20;
/** Entries walked at most when diffing two values by path. */
const MAX_WALK = 10_000;

/**
 * Compares run `b` with run `a` (the earlier one, usually).
 *
 * @throws {RangeError} when either run is not in the history
 */
export function diffRuns(history: RunHistory, cache: CacheRecordsReader | undefined, a: string, b: string, options: DiffOptions = {}): RunDiff {
  const runA = history.getRun(a);
  const runB = history.getRun(b);
  for (const [id, run] of [[a, runA], [b, runB]] as const) {
    if (run === undefined) throw new RangeError(`Cannot diff: there is no run "${id}" in the history; list the runs with weft ui or driver.history.listRuns()`);
  }
  const sideA = sides(history.nodesOf(a), cache?.runRecords(a) ?? []);
  const sideB = sides(history.nodesOf(b), cache?.runRecords(b) ?? []);
  const records = { a: byNode(cache?.runRecords(a) ?? []), b: byNode(cache?.runRecords(b) ?? []) };
  const names = [...new Set([...sideB.keys(), ...sideA.keys()])];
  const entryOf = (r: CacheRecord | undefined) => (r?.key === undefined ? undefined : cache?.entry(r.key));
  const code: { node: string; reason: string }[] = [];
  const nodes = names.map((node): NodeChange => {
    const before = sideA.get(node);
    const after = sideB.get(node);
    const ea = entryOf(records.a.get(node));
    const eb = entryOf(records.b.get(node));
    const codeChanged = ea !== undefined && eb !== undefined && (ea.codeVersion !== eb.codeVersion || ea.version !== eb.version);
    const codeChange = codeChanged ? cache!.explainChange(ea, eb) : undefined;
    if (codeChange !== undefined) code.push({ node, reason: codeChange });
    const valueChanged = before?.dataVersion !== undefined && after?.dataVersion !== undefined && before.dataVersion !== after.dataVersion;
    return { node, ...(before ? { before } : {}), ...(after ? { after } : {}), valueChanged, ...(codeChange === undefined ? {} : { codeChange }) };
  });
  const outputs = (options.outputs ?? runB!.outputs).map((output) => blame(output, runB!, nodes, records, entryOf, cache));
  const noCache = records.a.size === 0 || records.b.size === 0;
  return {
    a, b,
    inputs: changes(runA!.inputs, runB!.inputs),
    overrides: changes(runA!.overrides, runB!.overrides),
    config: changes(runA!.config, runB!.config),
    code, nodes, outputs,
    ...(noCache ? { note: `run ${records.a.size === 0 ? a : b} has no cache records (it ran without the cache of this file, or its records were pruned): no data versions to compare` } : {}),
  };
}

function byNode(records: readonly CacheRecord[]): Map<string, CacheRecord> {
  return new Map(records.map((r) => [r.node, r]));
}

/** Each node call of a run: its history record with the cache's data version. */
function sides(executions: readonly NodeRecord[], records: readonly CacheRecord[]): Map<string, NodeSide> {
  const dv = byNode(records);
  const out = new Map<string, NodeSide>();
  for (const n of executions) {
    const name = n.node + (n.item === "" ? "" : itemSuffix(n.item));
    const r = dv.get(name);
    out.set(name, {
      status: n.status,
      ...(r?.dataVersion === undefined ? {} : { dataVersion: r.dataVersion }),
      ...(n.cache === undefined ? {} : { cache: n.cache.status }),
      ...(n.duration === undefined ? {} : { durationMs: n.duration }),
      ...(n.preview === undefined ? {} : { preview: n.preview }),
    });
  }
  return out;
}

/** `"files[3]"` or `"a[0]/b[2]"` (history item paths) as the cache's record suffix `[3]` or `[0][2]`. */
function itemSuffix(item: string): string {
  return item.split("/").map((part) => part.slice(part.lastIndexOf("["))).join("");
}

function changes(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): ValueChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const out: ValueChange[] = [];
  for (const name of names) {
    const x = ownValue(before, name) as string | undefined;
    const y = ownValue(after, name) as string | undefined;
    if (x !== y) out.push({ name, ...(x === undefined ? {} : { before: x }), ...(y === undefined ? {} : { after: y }) });
  }
  return out;
}

/** The base node of a record name (`work[3]` → `work`). */
function baseOf(record: string): string {
  const at = record.indexOf("[");
  return at === -1 ? record : record.slice(0, at);
}

function blame(
  output: string,
  run: RunDetail,
  nodes: readonly NodeChange[],
  records: { a: Map<string, CacheRecord>; b: Map<string, CacheRecord> },
  entryOf: (r: CacheRecord | undefined) => CacheEntry | undefined,
  cache: CacheRecordsReader | undefined,
): OutputBlame {
  const change = nodes.find((n) => n.node === output);
  if (change === undefined) return { output, frontier: [], note: `"${output}" ran in neither run` };
  if (change.before?.dataVersion === undefined || change.after?.dataVersion === undefined) {
    return { output, frontier: [], note: "no data version of it in both runs (a run without the cache, or a value that could not be fingerprinted)" };
  }
  if (!change.valueChanged) return { output, changed: false, frontier: [] };
  // Upstream of the output in run b's graph, the output included.
  const view = parseGraph(run.graph);
  const upstream = new Set<string>([output]);
  const stack = [output];
  while (stack.length > 0) {
    const n = stack.pop()!;
    for (const from of view.get(n) ?? []) if (!upstream.has(from)) upstream.add(from), stack.push(from);
  }
  const frontier: FrontierNode[] = [];
  for (const n of nodes) {
    if (!n.valueChanged || !upstream.has(baseOf(n.node))) continue;
    const ea = entryOf(records.a.get(n.node));
    const eb = entryOf(records.b.get(n.node));
    if (ea === undefined || eb === undefined || !sameMap(ea.inputs, eb.inputs) || !sameMap(ea.config, eb.config)) continue;
    frontier.push(n.codeChange !== undefined
      ? { node: n.node, cause: "code changed", reason: n.codeChange }
      : { node: n.node, cause: "non-deterministic", reason: "same code and inputs, different value" });
  }
  const paths = valuePaths(cache, change.before.dataVersion, change.after.dataVersion);
  return {
    output, changed: true, frontier,
    ...(paths === undefined ? { note: "its values are no longer in the cache: no differences by path" } : { paths }),
  };
}

/** Each node's dependencies, by the edges of a run's drawn graph. */
function parseGraph(json: string): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  let edges: { from: string; to: string }[] = [];
  try {
    const v = JSON.parse(json) as { edges?: { from: string; to: string }[] };
    if (Array.isArray(v?.edges)) edges = v.edges;
  } catch {
    // a graph that does not parse has no edges: only the output itself is upstream
  }
  for (const e of edges) {
    let list = deps.get(e.to);
    if (list === undefined) deps.set(e.to, (list = []));
    list.push(e.from);
  }
  return deps;
}

function sameMap(x: Readonly<Record<string, string>>, y: Readonly<Record<string, string>>): boolean {
  const kx = Object.keys(x);
  if (kx.length !== Object.keys(y).length) return false;
  return kx.every((k) => Object.hasOwn(y, k) && ownValue(x, k) === ownValue(y, k));
}

/** The two values' differences by path, or `undefined` when either is not readable. */
function valuePaths(cache: CacheRecordsReader | undefined, a: string, b: string): PathChange[] | undefined {
  const x = cache?.result(a);
  const y = cache?.result(b);
  if (x === undefined || y === undefined) return undefined;
  const out: PathChange[] = [];
  let budget = MAX_WALK;
  const walk = (u: unknown, v: unknown, path: string) => {
    if (out.length >= MAX_PATHS || --budget < 0) return;
    if (Object.is(u, v)) return;
    const plain = (w: unknown) => w !== null && typeof w === "object" && (Array.isArray(w) || Object.getPrototypeOf(w) === Object.prototype || Object.getPrototypeOf(w) === null);
    if (plain(u) && plain(v) && Array.isArray(u) === Array.isArray(v)) {
      const keys = Array.isArray(u) ? Array.from({ length: Math.max(u.length, (v as unknown[]).length) }, (_, i) => String(i)) : [...new Set([...Object.keys(u as object), ...Object.keys(v as object)])];
      for (const k of keys) {
        const has = (w: unknown) => Object.hasOwn(w as object, k);
        const sub = Array.isArray(u) ? `${path}[${k}]` : `${path}.${k}`;
        if (!has(u)) out.push({ path: sub, after: show(ownValue(v as object, k)) });
        else if (!has(v)) out.push({ path: sub, before: show(ownValue(u as object, k)) });
        else walk(ownValue(u as object, k), ownValue(v as object, k), sub);
        if (out.length >= MAX_PATHS) return;
      }
      return;
    }
    out.push({ path: path === "" ? "(value)" : path, before: show(u), after: show(v) });
  };
  walk(x.value, y.value, "");
  return out;
}

/** A short form of a value for a path difference. */
function show(v: unknown): string {
  let s: string;
  try {
    s = typeof v === "bigint" ? `${v}n` : typeof v === "string" ? JSON.stringify(v) : v === undefined ? "undefined" : (JSON.stringify(v) ?? String(v));
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
