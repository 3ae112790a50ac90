/**
 * The strict equality of the data-version contract (docs/internals/cache-data-versions.md):
 * what a node can observe of a value, identity and storage aside. Numbers by
 * `Object.is`, prototypes, integrity (frozen, sealed, extensible), own keys in
 * order (symbols included), property attributes, Map and Set order, a typed
 * array's kind and viewed bytes (not its buffer or offset).
 */
export function sameValue(a: unknown, b: unknown): boolean {
  return why(a, b, "") === undefined;
}

/** Where and how `a` and `b` differ, or `undefined`; for test messages. */
export function why(a: unknown, b: unknown, path: string): string | undefined {
  if (typeof a !== typeof b) return `${path}: ${typeof a} vs ${typeof b}`;
  if (typeof a !== "object" || a === null || b === null) return Object.is(a, b) ? undefined : `${path}: ${show(a)} vs ${show(b)}`;
  const x = a as object, y = b as object;
  if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) return `${path}: prototypes differ`;
  if (Object.isExtensible(x) !== Object.isExtensible(y) || Object.isFrozen(x) !== Object.isFrozen(y) || Object.isSealed(x) !== Object.isSealed(y)) return `${path}: integrity differs`;
  if (ArrayBuffer.isView(x)) {
    const v = y as ArrayBufferView;
    if (x.byteLength !== v.byteLength) return `${path}: byte lengths differ`;
    const p = new Uint8Array(x.buffer, x.byteOffset, x.byteLength), q = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    for (let i = 0; i < p.length; i++) if (p[i] !== q[i]) return `${path}: byte ${i} differs`;
    return keysDiffer(x, y, path, (k) => typeof k === "symbol" || !/^\d+$/.test(k));
  }
  if (x instanceof ArrayBuffer) {
    const p = new Uint8Array(x), q = new Uint8Array(y as ArrayBuffer);
    if (p.length !== q.length || p.some((c, i) => c !== q[i])) return `${path}: buffer bytes differ`;
  }
  if (x instanceof Date && !Object.is(x.getTime(), (y as Date).getTime())) return `${path}: times differ`;
  if (x instanceof RegExp && (x.source !== (y as RegExp).source || x.flags !== (y as RegExp).flags)) return `${path}: RegExps differ`;
  if (x instanceof Map || x instanceof Set) {
    const p = [...(x as Map<unknown, unknown>).entries()], q = [...(y as Map<unknown, unknown>).entries()];
    if (p.length !== q.length) return `${path}: sizes differ`;
    for (let i = 0; i < p.length; i++) {
      const d = why(p[i]![0], q[i]![0], `${path}<key ${i}>`) ?? why(p[i]![1], q[i]![1], `${path}<entry ${i}>`);
      if (d !== undefined) return d;
    }
  }
  return keysDiffer(x, y, path, () => true);
}

function keysDiffer(x: object, y: object, path: string, include: (k: string | symbol) => boolean): string | undefined {
  const kx = Reflect.ownKeys(x).filter(include), ky = Reflect.ownKeys(y).filter(include);
  if (kx.length !== ky.length || kx.some((k, i) => k !== ky[i])) return `${path}: own keys differ (${kx.map(String)} vs ${ky.map(String)})`;
  for (const k of kx) {
    const dx = Object.getOwnPropertyDescriptor(x, k)!, dy = Object.getOwnPropertyDescriptor(y, k)!;
    const at = `${path}[${String(k)}]`;
    if (dx.enumerable !== dy.enumerable || dx.configurable !== dy.configurable || dx.writable !== dy.writable) return `${at}: attributes differ`;
    if (dx.get !== dy.get || dx.set !== dy.set) return `${at}: accessors differ`;
    const d = why(dx.value, dy.value, at);
    if (d !== undefined) return d;
  }
  return undefined;
}

function show(v: unknown): string {
  if (typeof v === "object" && v !== null) return Object.getPrototypeOf(v) === null ? "a null-prototype object" : "an object";
  return typeof v === "string" ? JSON.stringify(v) : typeof v === "bigint" ? `${v}n` : Object.is(v, -0) ? "-0" : String(v);
}
