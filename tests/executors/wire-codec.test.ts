import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeWire, encodeWire, fromBase64, fromWire, toBase64, toWire } from "../../executors/wire-codec.ts";
import { DirectoryValueStore } from "../../runtime/shared/directory-store.ts";

const roundTrip = async (v: unknown) => decodeWire(await encodeWire(v));
const noStore = () => new Error("no store");

describe("encodeWire()", () => {
  test("round-trips structured-clone data: typed arrays, Map, Set, Date, RegExp, BigInt, undefined, cycles", async () => {
    const cyclic: { name: string; self?: unknown } = { name: "c" };
    cyclic.self = cyclic;
    const value = {
      floats: new Float64Array([1.5, -2]), bytes: new Uint8Array([1, 2, 3]), wide: new BigInt64Array([5n]),
      map: new Map<unknown, unknown>([["a", 1], [2, { b: [true, null] }]]), set: new Set(["x", 3]),
      date: new Date(1_700_000_000_000), re: /a+b/gi, small: 42n, huge: -(2n ** 100n),
      missing: undefined, list: [1, undefined, "three"], nan: NaN, big: 2 ** 40, cyclic,
    };
    const back = (await roundTrip(value)) as typeof value;
    expect(back).toEqual(value);
    expect(back.floats).toBeInstanceOf(Float64Array);
    expect(back.map).toBeInstanceOf(Map);
    expect(back.cyclic.self).toBe(back.cyclic);
    expect("missing" in back).toBe(true);
  });

  test("keeps an error's name and message", async () => {
    const back = (await roundTrip(new RangeError("out of range"))) as Error;
    expect(back).toBeInstanceOf(RangeError);
    expect(back.message).toBe("out of range");
  });
});

describe("toWire()", () => {
  test("puts small values inline and large ones in the store, by content", async () => {
    const dir = mkdtempSync(join(tmpdir(), "weft-wire-"));
    try {
      const store = new DirectoryValueStore(dir);
      const small = await toWire([1, 2, 3], { store, inlineLimit: 64 });
      const large = await toWire(new Float64Array(1_000), { store, inlineLimit: 64 });
      expect("i" in small).toBe(true);
      expect(large).toEqual({ r: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(await toWire(new Float64Array(1_000), { store, inlineLimit: 64 })).toEqual(large);
      expect(await fromWire(large, store, noStore)).toEqual(new Float64Array(1_000));
      expect(await fromWire(small, undefined, noStore)).toEqual([1, 2, 3]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("puts every value inline when there is no store", async () => {
    expect("i" in (await toWire(new Float64Array(10_000), { store: undefined, inlineLimit: 64 }))).toBe(true);
  });
});

describe("fromWire()", () => {
  test("fails with the caller's error for a reference when there is no store", async () => {
    await expect(fromWire({ r: "ab".repeat(32) }, undefined, noStore)).rejects.toThrow("no store");
  });
});

test("toBase64() and fromBase64() invert each other on every byte value", () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  expect(fromBase64(toBase64(bytes))).toEqual(bytes);
  expect(toBase64(new Uint8Array([104, 105]))).toBe("aGk=");
});
