import { describe, expect, test } from "bun:test";
import { decodeWire, encodeWire, fromBase64, toBase64 } from "../../executors/wire-codec.ts";

const roundTrip = async (v: unknown) => decodeWire(await encodeWire(v));

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

test("toBase64() and fromBase64() invert each other on every byte value", () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  expect(fromBase64(toBase64(bytes))).toEqual(bytes);
  expect(toBase64(new Uint8Array([104, 105]))).toBe("aGk=");
});
