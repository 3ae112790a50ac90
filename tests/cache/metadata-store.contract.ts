/**
 * The MetadataStore contract: every implementation runs these tests (see stores.test.ts).
 */
import { afterEach, describe, expect, test } from "bun:test";
import type { CacheEntry, MetadataStore } from "../../lib/ports/metadata-store.ts";

const entry = (key: string, node: string, over: Partial<CacheEntry> = {}): CacheEntry => ({
  key, node, codeVersion: "code", inputs: { a: `dv-a-${key}` }, config: {}, dataVersion: `dv-${key}`, runId: "r1",
  createdAt: 100, lastUsedAt: 100, ...over,
});

/** Runs the contract against stores made by `make`; `dispose` releases one. */
export function metadataStoreContract(name: string, make: () => MetadataStore, dispose: (s: MetadataStore) => void = (s) => s.close()): void {
  describe(`MetadataStore contract: ${name}`, () => {
    let store: MetadataStore;
    const open = () => (store = make());
    afterEach(() => dispose(store));

    test("lookup() finds what write() stored, with every key part kept", () => {
      open();
      const codeParts = [
        { id: "#cleaned", kind: "code" as const, name: "cleaned", where: "flow.ts:21", version: "v1" },
        { id: "package:lodash", kind: "package" as const, name: "lodash", version: "4.17.21" },
      ];
      const e = entry("k1", "cleaned", { version: "2", previews: { path: '"a.csv"' }, config: { region: "dv-eu" }, codeParts });
      store.write({ entries: [e], used: [], runs: [], at: 100 });
      expect(store.lookup("k1")).toEqual({ dataVersion: "dv-k1", lastUsedAt: 100 });
      expect(store.lookup("k2")).toBeUndefined();
      expect(store.get("k1")).toEqual(e);
    });

    test("write() replaces an entry with the same key but keeps its creation time", () => {
      open();
      store.write({ entries: [entry("k1", "n")], used: [], runs: [], at: 100 });
      store.write({ entries: [entry("k1", "n", { dataVersion: "dv-new", runId: "r2", createdAt: 200, lastUsedAt: 200 })], used: [], runs: [], at: 200 });
      expect(store.get("k1")).toMatchObject({ dataVersion: "dv-new", runId: "r2", createdAt: 100, lastUsedAt: 200 });
    });

    test("latest() is the most recently used entry of a node; used keys are touched", () => {
      open();
      store.write({ entries: [entry("old", "n", { lastUsedAt: 100 }), entry("new", "n", { lastUsedAt: 200 }), entry("x", "other", { lastUsedAt: 300 })], used: [], runs: [], at: 300 });
      expect(store.latest("n")?.key).toBe("new");
      store.write({ entries: [], used: ["old"], runs: [], at: 400 });
      expect(store.latest("n")).toMatchObject({ key: "old", lastUsedAt: 400 });
      expect(store.latest("missing")).toBeUndefined();
    });

    test("runRecords() and lastRunId() report what each run did", () => {
      open();
      expect(store.lastRunId()).toBeUndefined();
      store.write({ entries: [], used: [], at: 1, runs: [
        { runId: "r1", node: "a", status: "miss", key: "k", dataVersion: "dv", reason: "new", at: 1 },
        { runId: "r1", node: "b", status: "uncacheable", reason: "a function", at: 1 },
      ] });
      store.write({ entries: [], used: [], at: 2, runs: [{ runId: "r2", node: "a", status: "hit", key: "k", dataVersion: "dv", at: 2 }] });
      expect(store.lastRunId()).toBe("r2");
      expect(store.runRecords("r1")).toEqual([
        { runId: "r1", node: "a", status: "miss", key: "k", dataVersion: "dv", reason: "new", at: 1 },
        { runId: "r1", node: "b", status: "uncacheable", reason: "a function", at: 1 },
      ]);
      store.write({ entries: [], used: [], at: 3, runs: [{ runId: "r2", node: "a", status: "miss", key: "k2", dataVersion: "dv2", at: 3 }] });
      expect(store.runRecords("r2")).toEqual([{ runId: "r2", node: "a", status: "miss", key: "k2", dataVersion: "dv2", at: 3 }]);
      expect(store.runRecords("none")).toEqual([]);
    });

    test("clear() removes the entries of the given nodes, or all of them", () => {
      open();
      store.write({ entries: [entry("k1", "a"), entry("k2", "a"), entry("k3", "b")], used: [], runs: [], at: 1 });
      expect(store.clear(["a"])).toBe(2);
      expect([store.lookup("k1"), store.lookup("k3")?.dataVersion]).toEqual([undefined, "dv-k3"]);
      expect(store.clear()).toBe(1);
      expect(store.lookup("k3")).toBeUndefined();
    });

    test("usage() and forget() work by data version", () => {
      open();
      store.write({ entries: [entry("k1", "a", { dataVersion: "d", lastUsedAt: 5 }), entry("k2", "b", { dataVersion: "d", lastUsedAt: 9 }), entry("k3", "c", { lastUsedAt: 7 })], used: [], runs: [], at: 9 });
      expect(new Map(store.usage())).toEqual(new Map([["d", 9], ["dv-k3", 7]]));
      expect(store.forget(["d"])).toBe(2);
      expect([...store.usage().keys()]).toEqual(["dv-k3"]);
    });
  });
}
