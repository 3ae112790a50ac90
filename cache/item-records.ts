/**
 * The cache's records of map/reduce items are named by the node and the item's
 * path: `work[3]`, `work[1][0]` in a nested region. These read such names.
 *
 * @module
 */

/** `work[1][2]` -> "work"; `work` -> "work". */
export const baseName = (record: string): string => record.replace(/(\[\d+\])+$/, "");

/** `work[1][2]` -> [1, 2]; `work` -> []. */
export const itemOf = (record: string): number[] => [...record.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));

/** Item paths in order: [0] < [1] < [1, 0] < [2]. */
export function compareItems(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * The records of `node`'s items (`node[0]`, `node[1][2]`, …), in item order;
 * empty when `node` is not a per-item node of the run.
 *
 * @example
 * ```ts
 * itemRecords([{ node: "work[1]" }, { node: "work[0]" }, { node: "workload" }], "work"); // work[0], work[1]
 * ```
 */
export function itemRecords<R extends { readonly node: string }>(records: readonly R[], node: string): R[] {
  return records
    .filter((r) => r.node.startsWith(`${node}[`) && baseName(r.node.slice(node.length)) === "")
    .sort((a, b) => compareItems(itemOf(a.node), itemOf(b.node)));
}
