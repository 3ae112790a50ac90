/**
 * User codecs: how the cache fingerprints, stores and loads instances of a
 * class it does not know. One registry per process, shared by the fingerprint
 * and the codec; register before running (and in every process that reads the
 * cache: a Deno process reading a Bun-written cache needs the same codecs).
 *
 * @module
 */
import { addExtension } from "msgpackr";

/**
 * A codec for the instances of one class (exactly that class: an instance of
 * a subclass would come back as the base class, so it needs a codec of its
 * own). Its encoded form is the instance's value: two instances whose encoded
 * forms are equal share a data version, and `decode(encode(x))` must be
 * indistinguishable from `x` for the cache to be exact.
 */
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
/** Codecs by the prototype of the instances they encode. */
const byPrototype = new Map<object, ValueCodec>();

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
  const previous = byName.get(entry.name);
  if (previous !== undefined && byPrototype.get(previous.class.prototype) === previous) byPrototype.delete(previous.class.prototype);
  byName.set(entry.name, entry);
  byPrototype.set(entry.class.prototype, entry);
  // msgpackr's extension serves the executors' wire format (executors/wire-codec.ts); the cache's codec uses the registry.
  addExtension({
    Class: entry.class as unknown as Function,
    type: EXTENSION_TYPE,
    write: (value: unknown) => [entry.name, (byName.get(entry.name) ?? entry).encode(value)],
    read: readExtension,
  });
}

function readExtension(data: unknown): unknown {
  const [name, payload] = data as [string, unknown];
  return codecNamed(name).decode(payload);
}

/** The codec for `value`: the one registered for its class exactly. */
export function codecFor(value: object): ValueCodec | undefined {
  return byPrototype.get(Object.getPrototypeOf(value));
}

/**
 * The codec registered under `name`.
 *
 * @throws {Error} when none is (the reader treats the stored value as unreadable)
 */
export function codecNamed(name: string): ValueCodec {
  const codec = byName.get(name);
  if (codec === undefined) {
    throw new Error(`no codec named "${name}" is registered in this process; call registerCodec() for it before reading the cache`);
  }
  return codec;
}
