/**
 * The binary value kinds the fingerprint and the codec both know, with one
 * stable code each (codes are written into hashes and files: never renumber).
 *
 * @module
 */

type ViewCtor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => ArrayBufferView;

const g = globalThis as unknown as Record<string, ViewCtor | undefined>;

/** Constructor names by code; Float16Array and Buffer are optional (not every runtime has them). */
const NAMES = [
  "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array",
  "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array", "Float16Array",
  "DataView", "Buffer",
] as const;

const CODES = new Map<string, number>(NAMES.map((n, i) => [n, i]));

/** The code of `DataView` in the table. */
export const DATA_VIEW_CODE = NAMES.indexOf("DataView");
const UINT8_CODE = NAMES.indexOf("Uint8Array");
/** A Node Buffer is a Uint8Array subclass that nodes can tell apart (`toString()`, `equals()`): a kind of its own. */
const BUFFER_CODE = NAMES.indexOf("Buffer");

/**
 * The code of a typed array, DataView or Node Buffer (any other subclass
 * gives its base kind: check {@link kindPrototype} too), or -1 for anything else.
 */
export function binaryKind(value: ArrayBufferView): number {
  // Symbol.toStringTag is the constructor's own name for every typed array, also for subclasses such as Buffer.
  const tag = (value as unknown as { [Symbol.toStringTag]?: string })[Symbol.toStringTag];
  const code = tag === undefined ? -1 : CODES.get(tag) ?? -1;
  return code === UINT8_CODE && Object.getPrototypeOf(value) === kindPrototype(BUFFER_CODE) && kindPrototype(BUFFER_CODE) !== undefined ? BUFFER_CODE : code;
}

/**
 * The prototype an instance of the kind has when it is not a subclass (a Node
 * Buffer, say): only those are the kind itself.
 */
export function kindPrototype(code: number): object | undefined {
  return (g[NAMES[code] ?? ""] as unknown as { prototype?: object } | undefined)?.prototype;
}

/** Bytes per element of the kind's code. */
export function elementSize(code: number): number {
  const ctor = g[NAMES[code]!] as unknown as { BYTES_PER_ELEMENT?: number } | undefined;
  return ctor?.BYTES_PER_ELEMENT ?? 1;
}

/** The constructor name of a code, for messages. */
export function kindName(code: number): string {
  return NAMES[code] ?? `unknown binary kind ${code}`;
}

/**
 * A view of kind `code` over `bytes` (whose buffer must be aligned for the
 * kind), or `undefined` when this runtime lacks the kind.
 */
export function viewOf(code: number, bytes: Uint8Array): ArrayBufferView | undefined {
  const ctor = g[NAMES[code] ?? ""];
  if (ctor === undefined) return undefined;
  if (code === BUFFER_CODE) return (ctor as unknown as { from(b: ArrayBuffer, o: number, n: number): ArrayBufferView }).from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
  const size = elementSize(code);
  return new ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset, code === DATA_VIEW_CODE ? bytes.byteLength : bytes.byteLength / size);
}
