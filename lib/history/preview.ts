/**
 * Bounded previews of values for the run history: a short, readable string
 * built by a walk that stops once the budget is spent, so a 100 MB array
 * costs as little as a number. The string is plain text; the web view escapes
 * it when it renders.
 *
 * @module
 */

/** Default length of a preview, in characters. */
export const PREVIEW_LENGTH = 200;

/**
 * A short preview of `value`, at most `max` characters (ending in "…" when cut).
 * Never throws: a getter that throws shows as `<error>`.
 *
 * @example
 * ```ts
 * previewOf({ rows: [1, 2, 3], name: "a" }); // '{ rows: [1, 2, 3], name: "a" }'
 * previewOf(new Float64Array(1e6), 30);      // "Float64Array(1000000) [0, 0, …"
 * ```
 */
export function previewOf(value: unknown, max = PREVIEW_LENGTH): string {
  const out = new Writer(max);
  write(out, value, 0);
  return out.text();
}

class Writer {
  #parts: string[] = [];
  #length = 0;
  readonly #max: number;
  constructor(max: number) {
    this.#max = max;
  }
  get full(): boolean {
    return this.#length >= this.#max;
  }
  push(s: string): void {
    if (this.full) return;
    this.#parts.push(s);
    this.#length += s.length;
  }
  text(): string {
    const s = this.#parts.join("");
    return s.length > this.#max ? `${s.slice(0, this.#max - 1)}…` : s;
  }
}

const DEPTH = 3;

function write(out: Writer, v: unknown, depth: number): void {
  if (out.full) return;
  switch (typeof v) {
    case "string":
      return out.push(JSON.stringify(v.length > 300 ? v.slice(0, 300) : v));
    case "number":
      return out.push(Object.is(v, -0) ? "-0" : String(v));
    case "bigint":
      return out.push(`${v}n`);
    case "boolean":
    case "undefined":
      return out.push(String(v));
    case "symbol":
      return out.push(v === THREW ? "<error>" : v.toString());
    case "function":
      return out.push(`[Function ${v.name || "anonymous"}]`);
  }
  if (v === null) return out.push("null");
  try {
    writeObject(out, v as object, depth);
  } catch {
    out.push("<error>");
  }
}

function writeObject(out: Writer, v: object, depth: number): void {
  if (v instanceof Date) return out.push(Number.isNaN(v.getTime()) ? "Invalid Date" : v.toISOString());
  if (v instanceof Error) return out.push(`${v.name}: ${v.message}`);
  if (v instanceof RegExp) return out.push(String(v));
  if (typeof (v as PromiseLike<unknown>).then === "function") return out.push("Promise");
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const arr = v as unknown as ArrayLike<unknown>;
    out.push(`${v.constructor.name}(${arr.length}) `);
    return items(out, arr.length, (i) => arr[i], depth, "[", "]");
  }
  if (v instanceof ArrayBuffer) return out.push(`ArrayBuffer(${v.byteLength})`);
  if (Array.isArray(v)) {
    if (depth >= DEPTH) return out.push(`[Array(${v.length})]`);
    return items(out, v.length, (i) => v[i], depth, "[", "]");
  }
  if (v instanceof Map) {
    out.push(`Map(${v.size}) `);
    if (depth >= DEPTH) return;
    return entries(out, v.entries(), v.size, depth, (k) => write(out, k, depth + 1), " => ");
  }
  if (v instanceof Set) {
    const list = v.values();
    out.push(`Set(${v.size}) `);
    return items(out, v.size, () => list.next().value, depth, "{", "}");
  }
  // The class, not a field: a value may have its own `constructor` key.
  const name = (Object.getPrototypeOf(v) as { constructor?: { name?: unknown } } | null)?.constructor?.name as string | undefined;
  const prefix = name && name !== "Object" ? `${name} ` : "";
  if (depth >= DEPTH) return out.push(`[${name || "Object"}]`);
  out.push(prefix);
  // Keys are walked lazily: an object with a million keys costs what its first few do.
  entries(out, ownEntries(v as Record<string, unknown>), -1, depth, (k) => out.push(/^[A-Za-z_$][\w$]*$/.test(k as string) ? (k as string) : JSON.stringify(k)), ": ");
}

/** Stands for a property whose getter threw. */
const THREW = Symbol("threw");

function* ownEntries(v: Record<string, unknown>): Generator<[string, unknown]> {
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    let value: unknown;
    try {
      value = v[k];
    } catch {
      value = THREW;
    }
    yield [k, value];
  }
}

function items(out: Writer, n: number, at: (i: number) => unknown, depth: number, open: string, close: string): void {
  out.push(open);
  let i = 0;
  for (; i < n && !out.full; i++) {
    if (i > 0) out.push(", ");
    write(out, at(i), depth + 1);
  }
  if (i < n) out.push(`, … ${n - i} more`);
  out.push(close);
}

function entries(
  out: Writer, it: Iterator<[unknown, unknown]>, n: number, depth: number, key: (k: unknown) => void, sep: string,
): void {
  let e = it.next();
  if (e.done) return out.push("{}");
  out.push("{ ");
  let i = 0;
  for (; !e.done && !out.full; e = it.next(), i++) {
    if (i > 0) out.push(", ");
    key(e.value[0]);
    out.push(sep);
    write(out, e.value[1], depth + 1);
  }
  /** `n` is -1 when the count is not known without walking everything. */
  if (!e.done) out.push(n < 0 ? ", …" : `, … ${n - i} more`);
  out.push(" }");
}
