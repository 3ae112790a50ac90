/**
 * Outputs as columns of one length, for the table and rows builders: arrays,
 * typed arrays and other iterables (a Set, a generator) are columns; any other
 * value (a number, a string, an object, a Map) is a single value repeated on
 * every row. Lengths that differ are an error that names the columns.
 *
 * @module
 */

/** A column: an array, or a typed array as the node returned it. */
export type Column = readonly unknown[] | ArrayLike<number> | ArrayLike<bigint>;

/** The outputs as columns. */
export interface Columns {
  readonly names: readonly string[];
  readonly columns: readonly Column[];
  /** Rows: the columns' length, 1 when every output is a single value. */
  readonly length: number;
}

/**
 * The outputs as columns of one length, single values repeated.
 *
 * @throws {RangeError} `Cannot build a table: the columns differ in length: "a" has 2 values, "b" has 3; …`
 */
export function columnsOf(
  outputs: Readonly<Record<string, unknown>>,
  what: string,
  keep?: (value: unknown) => { readonly length: number } | undefined,
): Columns {
  const names = Object.keys(outputs);
  // `keep`: columns of a kind the caller takes as they are (an Arrow Vector for the table builder).
  const read = names.map((name) => (keep?.(outputs[name]) as Column | undefined) ?? asColumn(outputs[name]));
  const lengths = new Map<number, string[]>();
  read.forEach((c, i) => c !== undefined && lengths.set(c.length, [...(lengths.get(c.length) ?? []), names[i]!]));
  if (lengths.size > 1) {
    const detail = [...lengths].map(([n, cols]) => `${cols.map((c) => `"${c}"`).join(", ")} ${cols.length === 1 ? "has" : "have"} ${n} value${n === 1 ? "" : "s"}`).join(", ");
    throw new RangeError(`Cannot build ${what}: the columns differ in length: ${detail}; return arrays of one length (a single value is repeated on every row)`);
  }
  const length = lengths.size === 0 ? (names.length === 0 ? 0 : 1) : [...lengths.keys()][0]!;
  const columns = read.map((c, i) => c ?? Array.from({ length }, () => outputs[names[i]!]));
  return { names, columns, length };
}

/** The value as a column, or undefined for a single value. */
function asColumn(v: unknown): Column | undefined {
  if (Array.isArray(v)) return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return v as unknown as ArrayLike<number>;
  if (typeof v === "object" && v !== null && !(v instanceof Map) && typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function") {
    return Array.from(v as Iterable<unknown>);
  }
  return undefined;
}
