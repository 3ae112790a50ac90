/**
 * The table builder: the outputs as an Apache Arrow `Table`, one column per
 * output. `apache-arrow` is an optional peer, imported the first time a table
 * is built.
 *
 * @module
 */
import type { Table } from "apache-arrow";
import { importOptional, type OptionalPackage } from "../import-optional.ts";
import { columnsOf } from "./columns.ts";
import { withResultKind, type KindedResultBuilder, type ResultKind } from "./result-builder.ts";

/** apache-arrow, for {@link importOptional}. */
export const ARROW_PACKAGE: OptionalPackage = { specifier: "apache-arrow", whatFor: "build a table", otherwise: "use rowsResult or objectResult, which need no package" };

/** The kind of {@link tableResult}: an Arrow Table. */
export interface TableResultKind extends ResultKind {
  readonly result: Table;
}

/**
 * The outputs as an Apache Arrow `Table` (Hamilton's `PandasDataFrameResult`
 * in Arrow's terms). Arrays, typed arrays (kept as they are, no copy), Arrow
 * Vectors and other iterables are columns; any other value is repeated on
 * every row; when every output is a single value the table has one row. A
 * Table output alone is the result as it is; among others, its columns come
 * in as `output.column`. Needs `apache-arrow` (`npm install apache-arrow`).
 *
 * @throws {RangeError} when columns differ in length, naming them
 * @throws {MissingPackageError} when apache-arrow is not installed
 * @example
 * ```ts
 * const table = await dr.execute(["day", "spend"], { resultBuilder: tableResult });
 * table.numRows;
 * ```
 */
export const tableResult: KindedResultBuilder<TableResultKind> = withResultKind<TableResultKind>(async (outputs) => {
  const arrow = await importOptional(() => import("apache-arrow"), ARROW_PACKAGE);
  const names = Object.keys(outputs);
  if (names.length === 1 && outputs[names[0]!] instanceof arrow.Table) return outputs[names[0]!] as Table;
  // Tables among other outputs: their columns, under the output's name.
  const flat: Record<string, unknown> = Object.create(null);
  for (const name of names) {
    const v = outputs[name];
    if (v instanceof arrow.Table) for (const f of v.schema.fields) flat[`${name}.${f.name}`] = v.getChild(f.name);
    else flat[name] = v;
  }
  const { names: columnNames, columns } = columnsOf(flat, "a table", (v) => (v instanceof arrow.Vector ? v : undefined));
  const vectors: Record<string, import("apache-arrow").Vector> = Object.create(null);
  columnNames.forEach((name, i) => {
    const c = columns[i]!;
    vectors[name] = c instanceof arrow.Vector ? c : arrow.vectorFromArray(c as readonly unknown[]);
  });
  return new arrow.Table(vectors);
});
