import { describe, expect, test } from "bun:test";
import { baseName, itemOf, itemRecords } from "../../cache/item-records.ts";

describe("item records", () => {
  test("itemRecords() takes only the node's items, in item order, not a node whose name starts the same", () => {
    const records = ["work[10]", "work[2]", "workload", "work[1][0]", "work", "work[1]", "other[0]", "work[x]"].map((node) => ({ node }));
    expect(itemRecords(records, "work").map((r) => r.node)).toEqual(["work[1]", "work[1][0]", "work[2]", "work[10]"]);
    expect(itemRecords(records, "none")).toEqual([]);
  });

  test("baseName() and itemOf() read a record's node and item path", () => {
    expect([baseName("work[1][2]"), itemOf("work[1][2]")]).toEqual(["work", [1, 2]]);
    expect([baseName("work"), itemOf("work")]).toEqual(["work", []]);
  });
});
