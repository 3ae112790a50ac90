import { describe, expect, test } from "bun:test";
import { fingerprint } from "../../cache/fingerprint.ts";
import { registerCodec } from "../../cache/codec-registry.ts";
import { bunHasher } from "../../runtime/bun/mod.ts";

const dv = (v: unknown): string => {
  const fp = fingerprint(v, bunHasher);
  if (!fp.ok) throw new Error(`unexpected failure at ${fp.path}: ${fp.reason}`);
  return fp.dataVersion;
};
const failure = (v: unknown) => {
  const fp = fingerprint(v, bunHasher);
  if (fp.ok) throw new Error("expected a failure");
  return { path: fp.path, reason: fp.reason };
};

describe("fingerprint()", () => {
  test("fingerprint() gives a 64-hex data version that is stable for a value", () => {
    // SHA-256 of tag 6, length 3 (uint32 LE) and "abc", computed outside weft: a change to the
    // encoding (which would invalidate every cache) cannot go unnoticed.
    expect(dv("abc")).toBe("aecd0c2b0d214bb105726dc10919ef7fa71aa88ea35cb216c1c6a6f914e62912");
    expect(dv({ a: [1, 2n, null] })).toMatch(/^[0-9a-f]{64}$/);
  });

  test("fingerprint() tells types apart", () => {
    const values = [1, "1", 1n, true, [1], { 0: 1 }, new Set([1]), new Map([[0, 1]]), null, undefined, new Date(1), "", 0];
    expect(new Set(values.map(dv)).size).toBe(values.length);
  });

  test("fingerprint() ignores the key order of plain objects but not of Maps", () => {
    expect(dv({ a: 1, b: { c: 2, d: 3 } })).toBe(dv({ b: { d: 3, c: 2 }, a: 1 }));
    expect(dv(Object.assign(Object.create(null), { a: 1 }))).toBe(dv({ a: 1 }));
    expect(dv(new Map([["a", 1], ["b", 2]]))).not.toBe(dv(new Map([["b", 2], ["a", 1]])));
  });

  test("fingerprint() hashes typed arrays by kind, length and bytes, and only the view's range", () => {
    const bytes = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(dv(new Int32Array(bytes.buffer))).not.toBe(dv(new Float32Array(bytes.buffer)));
    expect(dv(new Uint8Array([1, 2]))).not.toBe(dv(new Uint8Array([1, 2, 0])));
    expect(dv(bytes.subarray(2, 4))).toBe(dv(new Uint8Array([3, 4])));
    expect(dv(Buffer.from([3, 4]))).toBe(dv(new Uint8Array([3, 4])));
    const big = new Float64Array(100_000).map((_, i) => i);
    const changed = big.slice();
    changed[99_999] = -1;
    expect(dv(big)).not.toBe(dv(changed));
    expect(dv(big.buffer)).not.toBe(dv(big));
  });

  test("fingerprint() covers Date, BigInt, RegExp and nested Map and Set values", () => {
    expect(dv(new Date(5))).not.toBe(dv(new Date(6)));
    expect(dv(2n ** 100n)).not.toBe(dv(2n ** 100n + 1n));
    expect(dv(/a/g)).not.toBe(dv(/a/i));
    expect(dv({ m: new Map([["k", new Set([1, 2])]]) })).not.toBe(dv({ m: new Map([["k", new Set([1, 3])]]) }));
  });

  test("fingerprint() treats -0 as 0 and every NaN alike, but not a lone surrogate as U+FFFD", () => {
    expect(dv(-0)).toBe(dv(0));
    expect(dv(NaN)).toBe(dv(Number("x")));
    expect(dv("\ud800")).not.toBe(dv("\ufffd"));
  });

  test("fingerprint() walks values nested 200,000 deep without recursion", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(dv(deep)).toMatch(/^[0-9a-f]{64}$/);
  });

  test("fingerprint() allows shared references but reports a cycle with its path", () => {
    const shared = { x: 1 };
    expect(dv({ a: shared, b: shared })).toBe(dv({ a: { x: 1 }, b: { x: 1 } }));
    const cyclic: { rows: { parent?: unknown }[] } = { rows: [{}] };
    cyclic.rows[0]!.parent = cyclic;
    expect(failure(cyclic)).toEqual({ path: ".rows[0].parent", reason: "a reference cycle back to the top level" });
  });

  test("fingerprint() reports what cannot be hashed with the path to it", () => {
    class Conn {}
    expect(failure({ rows: [1, { parse: () => 1 }] })).toEqual({ path: ".rows[1].parse", reason: 'a function ("parse")' });
    expect(failure(new Map([["db", new Conn()]])).path).toBe('.get("db")');
    expect(failure({ "a b": new Conn() }).reason).toContain('an instance of class "Conn" with no registered codec; register one with registerCodec(');
    expect(failure({ p: Promise.resolve(1) }).reason).toBe("a Promise; await it inside the node");
    expect(failure(Symbol("s"))).toEqual({ path: "", reason: "a symbol" });
  });

  test("fingerprint() hashes instances of a registered class by their encoded form", () => {
    class Money {
      constructor(readonly cents: bigint, readonly currency: string) {}
    }
    registerCodec({ name: "test.Money", class: Money, encode: (m) => [m.cents, m.currency], decode: ([c, cur]) => new Money(c as bigint, cur as string) });
    expect(dv(new Money(5n, "EUR"))).toBe(dv(new Money(5n, "EUR")));
    expect(dv(new Money(5n, "EUR"))).not.toBe(dv(new Money(5n, "USD")));
    expect(dv(new Money(5n, "EUR"))).not.toBe(dv([5n, "EUR"]));
  });

  test("fingerprint() gives short previews of small primitives only", () => {
    expect(fingerprint("data.csv", bunHasher)).toMatchObject({ ok: true, preview: '"data.csv"' });
    expect(fingerprint(42, bunHasher)).toMatchObject({ preview: "42" });
    expect((fingerprint("x".repeat(41), bunHasher) as { preview?: string }).preview).toBeUndefined();
    expect((fingerprint([1], bunHasher) as { preview?: string }).preview).toBeUndefined();
  });
});
