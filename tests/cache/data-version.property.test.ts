/**
 * Property tests of the data-version contract (docs/internals/cache-data-versions.md):
 * the codec's round trip gives back a value no node can tell from the
 * original, and two values share a data version exactly when they cannot be
 * told apart. Bounded to a few seconds on a loaded machine.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { dataVersionOfEncoding, decodeValue, encodeValue, joinParts } from "../../cache/codec.ts";
import { registerCodec } from "../../cache/codec-registry.ts";
import { fingerprint } from "../../cache/fingerprint.ts";
import { bunHasher } from "../../runtime/bun/mod.ts";
import { sameValue, why } from "./_same-value.ts";

class Point {
  constructor(readonly x: number, readonly y: number) {}
}
registerCodec({ name: "test.property.Point", class: Point, encode: (p) => [p.x, p.y], decode: ([x, y]) => new Point(x!, y!) });

const roundTrip = (v: unknown): unknown => decodeValue(joinParts(encodeValue(v)).slice());
const fp = (v: unknown) => fingerprint(v, bunHasher);

type Mode = "plain" | "null" | "frozen";
/** An object with exactly these own properties in this order ("__proto__" included, as an own key). */
function objectOf(entries: readonly (readonly [string, unknown])[], mode: Mode): object {
  const o = mode === "null" ? Object.create(null) : {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  return mode === "frozen" ? Object.freeze(o) : o;
}

const KINDS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array];

/** A typed array, DataView or Buffer viewing part of a larger buffer, with arbitrary bytes (NaN payloads included). */
const binary = fc.record({
  kind: fc.integer({ min: 0, max: KINDS.length + 1 }), before: fc.nat(3), length: fc.nat(4), after: fc.nat(3), seed: fc.uint8Array({ minLength: 64, maxLength: 64 }),
}).map(({ kind, before, length, after, seed }) => {
  if (kind === KINDS.length) return new DataView(seed.slice().buffer, before, length);
  if (kind === KINDS.length + 1) return Buffer.from(seed.slice(0, length));
  const C = KINDS[kind]!;
  const buffer = seed.slice(0, (before + length + after) * C.BYTES_PER_ELEMENT).buffer;
  return new C(buffer, before * C.BYTES_PER_ELEMENT, length);
});

const key = fc.oneof(fc.string({ unit: "binary", maxLength: 4 }), fc.constantFrom("__proto__", "constructor", "toString", "0", "1", "10", "length"));
const leaf = fc.oneof(
  fc.double(), fc.constantFrom(0, -0, NaN, 1, -1), fc.integer(), fc.bigInt(),
  fc.string({ unit: "binary", maxLength: 6 }), fc.constantFrom("\ud800", "\udc00", "\ufffd", "\ufeff", "__proto__", ""),
  fc.boolean(), fc.constant(null), fc.constant(undefined),
  fc.oneof(fc.date(), fc.constant(0).map(() => new Date(NaN))),
  fc.record({ src: fc.constantFrom("a", "b+", "(x)"), flags: fc.constantFrom("", "g", "gi", "y"), lastIndex: fc.nat(3) }).map(({ src, flags, lastIndex }) => Object.assign(new RegExp(src, flags), { lastIndex })),
  binary, fc.uint8Array({ maxLength: 4 }).map((b) => b.buffer),
  fc.tuple(fc.double(), fc.double()).map(([x, y]) => new Point(x, y)),
);

/** Values the cache must store exactly, and the cases it must refuse (sparse arrays, symbol keys, getters, …). */
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true, maxDepth: 3 },
    leaf,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.array(tie("value"), { maxLength: 3 }).map((xs) => Object.freeze(xs)),
    fc.tuple(fc.array(fc.tuple(key, tie("value")), { maxLength: 4 }), fc.constantFrom<Mode>("plain", "null", "frozen")).map(([e, m]) => objectOf(e, m)),
    fc.array(fc.tuple(tie("value"), tie("value")), { maxLength: 3 }).map((e) => new Map(e)),
    fc.array(tie("value"), { maxLength: 3 }).map((e) => new Set(e)),
    fc.sparseArray(tie("value"), { maxLength: 5, maxNumElements: 2 }),
    fc.constantFrom("symbol", "getter", "hidden", "extra", "sealed", "function").map(refused),
  ),
}));

function refused(kind: string): unknown {
  switch (kind) {
    case "symbol": return { [Symbol("s")]: 1 };
    case "getter": return { get g() { return 1; } };
    case "hidden": return Object.defineProperty({}, "h", { value: 1 });
    case "extra": return Object.assign([1], { extra: 1 });
    case "sealed": return Object.seal({ a: 1 });
    default: return () => 1;
  }
}

/**
 * Pairs of values of the same shape whose leaves and containers are drawn
 * from groups of look-alikes (-0 and 0, a lone surrogate and U+FFFD, a Buffer
 * and a Uint8Array, a null prototype and a plain one, frozen or not, reordered
 * keys or entries): often equal, and when not, different in one small way.
 */
type Twin = [unknown, unknown];
const LOOK_ALIKES: (() => unknown)[][] = [
  [() => 0, () => -0], [() => NaN, () => NaN], [() => 1, () => 1n, () => "1", () => true],
  [() => "\ud800", () => "\ufffd", () => "\udc00"], [() => "__proto__", () => "__proto_"], [() => null, () => undefined],
  [() => new Float64Array([0]), () => new Float64Array([-0]), () => new Float32Array([0]), () => new Float64Array(new Float64Array([1, 0]).buffer, 8, 1)],
  [() => Buffer.from([0]), () => new Uint8Array([0]), () => new Uint8Array(new ArrayBuffer(2), 1, 1), () => new Int8Array([0]), () => new Uint8Array([0]).buffer],
  [() => /a/g, () => Object.assign(/a/g, { lastIndex: 1 }), () => /a/y],
  [() => new Date(0), () => new Date(1), () => new Date(NaN)],
  [() => new Point(0, 0), () => new Point(-0, 0), () => [0, 0]],
];
const leafTwin: fc.Arbitrary<Twin> = fc.constantFrom(...LOOK_ALIKES).chain((group) => fc.tuple(fc.constantFrom(...group), fc.constantFrom(...group))).map(([f, g]) => [f(), g()]);
/** Two flags, the same more often than not. */
const flags = fc.oneof(fc.boolean().map((f) => [f, f] as const), fc.tuple(fc.boolean(), fc.boolean()));
const { twin } = fc.letrec<{ twin: Twin }>((tie) => ({
  twin: fc.oneof({ depthSize: "small", maxDepth: 2 },
    leafTwin,
    fc.tuple(fc.array(tie("twin"), { maxLength: 3 }), flags).map(([xs, [fa, fb]]): Twin => {
      const a = xs.map((x) => x[0]), b = xs.map((x) => x[1]);
      return [fa ? Object.freeze(a) : a, fb ? Object.freeze(b) : b];
    }),
    fc.tuple(fc.array(fc.tuple(fc.constantFrom("a", "b", "__proto__", "1"), tie("twin")), { maxLength: 3 }), flags, flags, fc.boolean()).map(([entries, [na, nb], [fa, fb], reorder]): Twin => {
      const ea = entries.map(([k, v]) => [k, v[0]] as const), eb = entries.map(([k, v]) => [k, v[1]] as const);
      return [objectOf(ea, na ? "null" : fa ? "frozen" : "plain"), objectOf(reorder ? eb.reverse() : eb, nb ? "null" : fb ? "frozen" : "plain")];
    }),
    fc.tuple(fc.array(fc.tuple(leafTwin, tie("twin")), { maxLength: 3 }), fc.boolean()).map(([entries, reorder]): Twin => {
      const ea = entries.map(([k, v]) => [k[0], v[0]] as const), eb = entries.map(([k, v]) => [k[1], v[1]] as const);
      return [new Map(ea), new Map(reorder ? eb.reverse() : eb)];
    }),
    fc.tuple(fc.array(tie("twin"), { maxLength: 3 }), fc.boolean()).map(([xs, reorder]): Twin => {
      const b = xs.map((x) => x[1]);
      return [new Set(xs.map((x) => x[0])), new Set(reorder ? b.reverse() : b)];
    }),
  ),
}));

describe("data versions (property tests)", () => {
  test("decodeValue(encodeValue(v)) is indistinguishable from v and has its data version, which the stored bytes alone give; what has no data version is not stored", () => {
    let stored = 0;
    fc.assert(fc.property(value, (v) => {
      const f = fp(v);
      if (!f.ok) {
        expect(() => encodeValue(v)).toThrow(f.reason);
        return;
      }
      stored++;
      const bytes = joinParts(encodeValue(v));
      expect(dataVersionOfEncoding(bytes, bunHasher)).toBe(f.dataVersion);
      const back = decodeValue(bytes.slice());
      expect(why(v, back, "")).toBeUndefined();
      expect(fp(back)).toEqual(f);
    }), { numRuns: 1000 });
    // Most generated values are cacheable: the property is about them, not about refusals.
    expect(stored).toBeGreaterThan(300);
  });

  test("two values share a data version exactly when no node can tell them apart", () => {
    let equal = 0;
    const pairs = fc.oneof(twin, twin, fc.tuple(value, value));
    fc.assert(fc.property(pairs, ([a, b]) => {
      const fa = fp(a), fb = fp(b);
      if (!fa.ok || !fb.ok) return;
      const same = sameValue(a, b);
      if (same) equal++;
      expect(fa.dataVersion === fb.dataVersion).toBe(same);
    }), { numRuns: 2000 });
    expect(equal).toBeGreaterThan(200);
  });
});
