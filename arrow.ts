/**
 * `weft/arrow`: the table result builder, an Apache Arrow `Table` of a run's
 * outputs (apache-arrow is an optional peer: `npm install apache-arrow`).
 * A subpath of its own, so that the main entry's types never name
 * apache-arrow for the users who do not install it.
 *
 * @example
 * ```ts
 * import { Builder } from "weft";
 * import { tableResult } from "weft/arrow";
 * const dr = await new Builder().withModules({ day: () => [1, 2], spend: () => [10, 20] }).build();
 * const table = await dr.execute(["day", "spend"], { resultBuilder: tableResult });
 * console.log(table.numRows); // 2
 * ```
 *
 * @module
 */
export { tableResult } from "./lib/results/table-result.ts";
export type { TableResultKind } from "./lib/results/table-result.ts";
