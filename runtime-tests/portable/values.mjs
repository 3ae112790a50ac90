// Values a cache written on one runtime must give back unchanged on another (plain JavaScript, so Bun, Deno
// and Node all import it). Each call builds fresh values.

/** A user class, stored through a registered codec. */
export class Point {
  constructor(x, y) {
    this.x = x;
    this.y = y;
  }
}

/** Registers Point's codec with the given registerCodec (each runtime has its own registry). */
export function registerPoint(registerCodec) {
  registerCodec({ name: "portable.Point", class: Point, encode: (p) => [p.x, p.y], decode: ([x, y]) => new Point(x, y) });
}

/** [name, value] pairs covering every kind the codec handles, small ones (SQLite blobs) and large ones (files). */
export function portableValues() {
  return [
    ["number", 1],
    ["string", "1"],
    ["bigint", 1n],
    ["huge bigint", -(2n ** 100n) + 7n],
    ["nested", { b: [1, "two", null, undefined, true], a: { deep: [[[{ x: -1.5 }]]] } }],
    ["map and set", new Map([["k", new Set([1, "1"])], [2, new Date(86_400_000)]])],
    ["unicode", "é 😀 \u00a0"],
    ["typed arrays", { f32: new Float32Array([0.5, -2]), i16: new Int16Array([-3, 4]), u64: new BigUint64Array([2n ** 63n]) }],
    // Division is correctly rounded everywhere; Math.sin is not (JSC and V8 differ in the last bit).
    ["large Float64Array", Float64Array.from({ length: 50_000 }, (_, i) => i / 7 + 0.25)],
    ["large nested", { rows: Array.from({ length: 2_000 }, (_, i) => ({ i, name: `row ${i}` })) }],
    ["ArrayBuffer", new Uint8Array([1, 2, 3, 250]).buffer],
    ["point", { at: new Point(3, 4) }],
  ];
}
