/**
 * The values of a run's request (inputs, overrides, config) kept for replay:
 * only when JSON gives back exactly what was given, and only when small. A
 * Map, a Date, a typed array, `undefined`, a bigint, NaN, -0, a class
 * instance, an object seen twice, or more than {@link REQUEST_VALUES_LIMIT}
 * characters of JSON make the request "not replayable", with the reason;
 * never a silently different value. The walk stops as soon as it knows, so a
 * 100 MB input costs no more than the limit.
 *
 * @module
 */
import type { RequestValues } from "../ports/run-store.ts";

/** Characters of JSON kept for a run's inputs, overrides and config together (64 Ki). */
export const REQUEST_VALUES_LIMIT = 64 * 1024;

/** The values, when they replay exactly; else why not. */
export type RequestValuesRecord = { readonly values: RequestValues } | { readonly notReplayable: string };

class NotExact extends Error {}

/**
 * The request's values as the history keeps them, or why it cannot.
 *
 * @example
 * ```ts
 * requestValues({ inputs: { day: "2026-11-22" }, overrides: {}, config: {} }); // { values: { inputs: { day: "2026-11-22" }, … } }
 * requestValues({ inputs: { when: new Date() }, overrides: {}, config: {} });
 * // { notReplayable: 'input "when" is a Date, which JSON cannot hold exactly' }
 * ```
 */
export function requestValues(values: RequestValues, limit = REQUEST_VALUES_LIMIT): RequestValuesRecord {
  const walk = new Walk(limit);
  try {
    for (const [group, word] of [["inputs", "input"], ["overrides", "override"], ["config", "config value"]] as const) {
      for (const name of Object.keys(values[group])) walk.value(values[group][name], `${word} "${name}"`, "");
    }
  } catch (e) {
    if (e instanceof NotExact) return { notReplayable: e.message };
    throw e;
  }
  // A copy through JSON (at most the limit): what is kept is what a replay reads, whatever the caller does next.
  return { values: JSON.parse(JSON.stringify({ inputs: values.inputs, overrides: values.overrides, config: values.config })) as RequestValues };
}

/** A depth-first walk that counts the JSON it would write and stops at the first value JSON cannot give back. */
class Walk {
  #left: number;
  readonly #limit: number;
  readonly #seen = new Set<object>();

  constructor(limit: number) {
    this.#limit = limit;
    this.#left = limit;
  }

  value(v: unknown, owner: string, path: string): void {
    const fail = (what: string, at = path): never => {
      throw new NotExact(`${owner} ${at === "" ? `is ${what}` : `holds ${what} at ${at}`}, which JSON cannot hold exactly`);
    };
    switch (typeof v) {
      case "string":
        this.#spend(v.length + 2);
        return;
      case "boolean":
        this.#spend(5);
        return;
      case "number":
        if (Number.isNaN(v)) fail("NaN");
        if (!Number.isFinite(v)) fail(String(v));
        if (Object.is(v, -0)) fail("-0");
        this.#spend(String(v).length);
        return;
      case "undefined":
        return fail("undefined");
      case "bigint":
        return fail("a bigint");
      case "symbol":
        return fail("a symbol");
      case "function":
        return fail("a function");
    }
    if (v === null) return this.#spend(4);
    const o = v as object;
    if (this.#seen.has(o)) fail("an object it already holds elsewhere (or itself)");
    this.#seen.add(o);
    const proto = Object.getPrototypeOf(o);
    if (Array.isArray(o)) {
      if (proto !== Array.prototype) fail("an array of a subclass");
      this.#spend(2 + o.length);
      const keys = Reflect.ownKeys(o);
      if (keys.length !== o.length + 1) fail("an array with holes or extra properties");
      for (let i = 0; i < o.length; i++) {
        const d = Object.getOwnPropertyDescriptor(o, i);
        if (d === undefined) fail("an array with holes");
        if (!("value" in d!)) fail("a getter", `${path}[${i}]`);
        this.value(d!.value, owner, `${path}[${i}]`);
      }
      return;
    }
    if (proto !== Object.prototype) fail(kindOf(o, proto));
    this.#spend(2);
    for (const key of Reflect.ownKeys(o)) {
      if (typeof key === "symbol") fail("an object with a symbol key");
      const d = Object.getOwnPropertyDescriptor(o, key)!;
      const at = `${path}${/^[A-Za-z_$][\w$]*$/.test(key as string) ? `.${String(key)}` : `[${JSON.stringify(key)}]`}`;
      if (!d.enumerable) fail("a property JSON skips (not enumerable)", at);
      if (!("value" in d)) fail("a getter", at);
      this.#spend((key as string).length + 4);
      this.value(d.value, owner, at);
    }
  }

  #spend(n: number): void {
    this.#left -= n;
    if (this.#left < 0) throw new NotExact(`the inputs, overrides and config take more than ${Math.round(this.#limit / 1024)} KiB as JSON, more than the history keeps for replay`);
  }
}

function kindOf(o: object, proto: object | null): string {
  if (proto === null) return "an object without a prototype";
  const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof name !== "string" || name === "") return "an object of a class";
  return `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name}`;
}
