/**
 * The ResultStore contract: every implementation runs these tests (see stores.test.ts).
 *
 * Damaged data: a store whose bytes can change behind its back (a file on
 * disk) passes `damage`, and must then answer `damaged` with a reason (never
 * the wrong value) and drop the result. The memory store keeps its bytes in
 * the process, where nothing else writes: it has no `damage`.
 */
import { afterEach, describe, expect, test } from "bun:test";
import type { ResultRead, ResultStore } from "../../lib/ports/result-store.ts";
import { dataVersionOfEncoding, decodeValue } from "../../cache/codec.ts";
import { fingerprint } from "../../cache/fingerprint.ts";
import { bunHasher } from "../../runtime/bun/mod.ts";

const item = (value: unknown) => {
  const fp = fingerprint(value, bunHasher);
  if (!fp.ok) throw new Error(fp.reason);
  return { dataVersion: fp.dataVersion, value };
};

/** A read without the encoding a hit may carry (checked on its own below). */
const withoutBytes = (read: ResultRead): ResultRead => (read.status === "hit" ? { status: "hit", value: read.value } : read);

/** Runs the contract against stores made by `make`; `damage` alters what the last store made holds for a data version. */
export function resultStoreContract(name: string, make: () => ResultStore, options: { damage?: (dataVersion: string) => void } = {}): void {
  describe(`ResultStore contract: ${name}`, () => {
    let store: ResultStore;
    const open = () => (store = make());
    afterEach(() => store.close());

    test("get() returns what putMany() stored, small and large", () => {
      open();
      const small = item({ rows: [1, 2], when: new Date(3), tags: new Set(["a"]) });
      const large = item(new Float64Array(200_000).map((_, i) => i / 3));
      const nested = item({ big: new Uint8Array(300_000).fill(7), n: 1n });
      expect(store.putMany([small, large, nested])).toEqual({ stored: [small.dataVersion, large.dataVersion, nested.dataVersion], failed: [] });
      for (const it of [small, large, nested]) expect(withoutBytes(store.get(it.dataVersion))).toEqual({ status: "hit", value: it.value });
      expect(store.get("0".repeat(64))).toEqual({ status: "missing" });
    });

    test("get() returns a copy that later mutations do not reach", () => {
      open();
      const it = item({ xs: [1, 2, 3] });
      store.putMany([it]);
      (it.value as { xs: number[] }).xs.push(4);
      const first = store.get(it.dataVersion) as { value: { xs: number[] } };
      first.value.xs.push(5);
      expect(withoutBytes(store.get(it.dataVersion))).toEqual({ status: "hit", value: { xs: [1, 2, 3] } });
    });

    test("get() hands out, when it does, the checked encoding of the value, in a buffer the value does not share", () => {
      open();
      const items = [item({ xs: [1, 2, 3], big: new Uint8Array(3_000).fill(5) }), item(new Float64Array(50_000).fill(0.5)), item(new Uint8Array([1, 2]))];
      store.putMany(items);
      let given = 0;
      for (const it of items) {
        const read = store.get(it.dataVersion);
        if (read.status !== "hit" || read.bytes === undefined) continue;
        given++;
        expect(dataVersionOfEncoding(read.bytes, bunHasher)).toBe(it.dataVersion);
        const copy = read.bytes.slice();
        // Whatever the value holds, changing it leaves the bytes as they were.
        const v = read.value as { big?: Uint8Array } | Uint8Array | Float64Array;
        if (ArrayBuffer.isView(v)) v.fill(9);
        else v.big!.fill(9);
        expect(read.bytes).toEqual(copy);
        expect(decodeValue(read.bytes)).toEqual(it.value);
      }
      // Every store has the bytes of a small value in one buffer.
      expect(given).toBeGreaterThan(0);
    });

    test("putMany() stores a data version once and reports what it cannot encode", () => {
      open();
      const it = item("same");
      expect(store.putMany([it, it]).stored).toEqual([it.dataVersion]);
      expect(store.putMany([it]).stored).toEqual([it.dataVersion]);
      expect(store.list().map((r) => r.dataVersion)).toEqual([it.dataVersion]);
      const report = store.putMany([{ dataVersion: "f".repeat(64), value: () => 1 }]);
      expect(report.stored).toEqual([]);
      expect(report.failed.map((f) => f.dataVersion)).toEqual(["f".repeat(64)]);
      expect(store.has("f".repeat(64))).toBe(false);
    });

    test("delete() removes results and list() reports sizes", () => {
      open();
      const a = item("a");
      const b = item(new Int32Array(100_000));
      store.putMany([a, b]);
      const sizes = Object.fromEntries(store.list().map((r) => [r.dataVersion, r.size]));
      expect(sizes[b.dataVersion]).toBe(16 + 400_000);
      store.delete([b.dataVersion]);
      expect([store.has(a.dataVersion), store.has(b.dataVersion)]).toEqual([true, false]);
      expect(store.get(b.dataVersion)).toEqual({ status: "missing" });
    });

    test.skipIf(options.damage === undefined)("get() of a result damaged behind the store's back is damaged with a reason, and the result is dropped", () => {
      open();
      const small = item({ rows: [1, 2], name: "small" });
      const large = item(new Float64Array(10_000).map((_, i) => i / 7));
      store.putMany([small, large]);
      for (const it of [small, large]) {
        options.damage!(it.dataVersion);
        const read = store.get(it.dataVersion);
        expect(read.status).toBe("damaged");
        expect((read as { reason: string }).reason).toStartWith(`The cached result ${it.dataVersion.slice(0, 12)} cannot be used: `);
        expect(store.has(it.dataVersion)).toBe(false);
        expect(store.putMany([it]).stored).toEqual([it.dataVersion]);
        expect(withoutBytes(store.get(it.dataVersion))).toEqual({ status: "hit", value: it.value });
      }
    });
  });
}
