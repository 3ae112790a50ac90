/**
 * User codecs: how the cache fingerprints, stores and loads instances of a
 * class it does not know. One registry per process, shared by the fingerprint
 * and the codec; register before running (and in every process that reads the
 * cache: a Deno process reading a Bun-written cache needs the same codecs).
 *
 * @module
 */
import { addExtension } from "msgpackr";

/** A codec for instances of one class (and its subclasses). */
export interface ValueCodec<T = any, R = unknown> {
  /** Stable name, written into stored values and hashes: keep it when the class is renamed. */
  readonly name: string;
  readonly class: abstract new (...args: any[]) => T;
  /** A plain representation (anything the cache handles natively, or other registered classes). */
  encode(value: T): R;
  /** Rebuilds an instance from what {@link ValueCodec.encode} returned. */
  decode(data: R): T;
}

/** msgpack extension type of every user codec; the payload names the codec. */
const EXTENSION_TYPE = 0x57;
const byName = new Map<string, ValueCodec>();
let ordered: ValueCodec[] = [];

/**
 * Registers a codec for a class, so the cache can fingerprint, store and load
 * its instances. Registering a name again replaces the codec (a reloaded
 * module defines a new class object).
 *
 * @throws {TypeError} when a field is missing or has the wrong type
 * @example
 * ```ts
 * import { registerCodec } from "weft";
 * class Point { constructor(readonly x: number, readonly y: number) {} }
 * registerCodec({ name: "Point", class: Point, encode: (p) => [p.x, p.y], decode: ([x, y]) => new Point(x, y) });
 * ```
 */
export function registerCodec<T, R>(codec: ValueCodec<T, R>): void {
  if (typeof codec !== "object" || codec === null) throw new TypeError("registerCodec() expects a codec object");
  if (typeof codec.name !== "string" || codec.name === "") throw new TypeError("registerCodec() option \"name\" must be a non-empty string");
  if (typeof codec.class !== "function") throw new TypeError(`registerCodec() option "class" of codec "${codec.name}" must be a class`);
  if (typeof codec.encode !== "function" || typeof codec.decode !== "function") {
    throw new TypeError(`registerCodec() options "encode" and "decode" of codec "${codec.name}" must be functions`);
  }
  const entry = { ...codec } as ValueCodec;
  byName.set(entry.name, entry);
  // Most recently registered first, so a subclass registered after its base class wins.
  ordered = [entry, ...ordered.filter((c) => c.name !== entry.name)];
  addExtension({
    Class: entry.class as unknown as Function,
    type: EXTENSION_TYPE,
    write: (value: unknown) => [entry.name, (byName.get(entry.name) ?? entry).encode(value)],
    read: readExtension,
  });
}

function readExtension(data: unknown): unknown {
  const [name, payload] = data as [string, unknown];
  const codec = byName.get(name);
  if (codec === undefined) {
    throw new Error(`no codec named "${name}" is registered in this process; call registerCodec() for it before reading the cache`);
  }
  return codec.decode(payload);
}

/** The codec for `value`, if a registered class matches it. */
export function codecFor(value: object): ValueCodec | undefined {
  for (let i = 0; i < ordered.length; i++) if (value instanceof ordered[i]!.class) return ordered[i];
  return undefined;
}
