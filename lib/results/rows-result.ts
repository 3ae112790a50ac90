/**
 * The rows builder: the outputs as an array of records, one per row, the
 * columns read as the table builder reads them (columns.ts).
 *
 * @module
 */
import { setOwn } from "../own-property.ts";
import { columnsOf } from "./columns.ts";
import { withResultKind, type KindedResultBuilder, type ResultKind } from "./result-builder.ts";

type BigIntArrays = BigInt64Array | BigUint64Array;
type NumberArrays = Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/** One row's value of an output: an element of an array or iterable, or the single value itself. */
export type CellOf<V> = V extends readonly (infer E)[] ? E
  : V extends BigIntArrays ? bigint
  : V extends NumberArrays ? number
  : V extends string | ReadonlyMap<unknown, unknown> ? V
  : V extends Iterable<infer E> ? E
  : V;

/** One row of outputs `O`. */
export type RowOf<O> = { [K in keyof O]: CellOf<O[K]> };

/** The kind of {@link rowsResult}: an array of rows. */
export interface RowsResultKind extends ResultKind {
  readonly result: RowOf<this["outputs"]>[];
}

/**
 * The outputs as rows: `{ a: [1, 2], b: "x" }` → `[{ a: 1, b: "x" }, { a: 2, b: "x" }]`.
 * Arrays, typed arrays and other iterables are columns; any other value is
 * repeated on every row; when every output is a single value there is one row.
 *
 * @throws {RangeError} when columns differ in length, naming them
 * @example
 * ```ts
 * const rows = await dr.execute(["day", "spend"], { resultBuilder: rowsResult });
 * ```
 */
export const rowsResult: KindedResultBuilder<RowsResultKind> = withResultKind<RowsResultKind>((outputs) => {
  const { names, columns, length } = columnsOf(outputs, "rows");
  const rows: Record<string, unknown>[] = new Array(length);
  for (let r = 0; r < length; r++) {
    const row: Record<string, unknown> = {};
    // setOwn: an output may be named "__proto__" like any other.
    for (let c = 0; c < names.length; c++) setOwn(row, names[c]!, (columns[c] as ArrayLike<unknown>)[r]);
    rows[r] = row;
  }
  return rows;
});
