/**
 * The values of a run's request (inputs, overrides, config) kept for replay:
 * only when JSON gives back exactly what was given, and only when small. A
 * Map, a Date, a typed array, `undefined`, a bigint, NaN, -0, a class
 * instance, an array with holes, an object seen twice, or more than
 * {@link REQUEST_VALUES_LIMIT} characters of JSON make the request "not
 * replayable", with the reason. The walk reads what JSON writes (own
 * enumerable properties) and stops as soon as it knows, so a 100 MB input
 * costs no more than the limit; a plain object's symbol keys and
 * non-enumerable properties, and an array's named properties, are not looked
 * for (a key list per value would cost milliseconds per run).
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
      for (const name of Object.keys(values[group])) walk.named(values[group][name], `${word} "${name}"`);
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
  /** Where the walk is inside the current value: made into a path only for a message. */
  readonly #at: (string | number)[] = [];
  #owner = "";

  constructor(limit: number) {
    this.#limit = limit;
    this.#left = limit;
  }

  /** Walks the value named `owner` (`input "rows"`). */
  named(v: unknown, owner: string): void {
    this.#owner = owner;
    this.#value(v);
  }

  #fail(what: string): never {
    const at = this.#at.map((k) => typeof k === "number" ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`).join("");
    throw new NotExact(`${this.#owner} ${at === "" ? `is ${what}` : `holds ${what} at ${at}`}, which JSON cannot hold exactly`);
  }

  #value(v: unknown): void {
    switch (typeof v) {
      case "string":
        return this.#spend(v.length + 2);
      case "boolean":
        return this.#spend(5);
      case "number":
        if (Number.isNaN(v)) this.#fail("NaN");
        if (!Number.isFinite(v)) this.#fail(String(v));
        if (v === 0 && 1 / v < 0) this.#fail("-0");
        // About the digits JSON writes, without writing them: an integer's, or at most 24 for any other.
        return this.#spend(Number.isSafeInteger(v) ? (v < 0 ? 2 : 1) + Math.floor(Math.log10(Math.abs(v) || 1)) : 24);
      case "undefined":
        return this.#fail("undefined");
      case "bigint":
        return this.#fail("a bigint");
      case "symbol":
        return this.#fail("a symbol");
      case "function":
        return this.#fail("a function");
    }
    if (v === null) return this.#spend(4);
    const o = v as object;
    if (this.#seen.has(o)) this.#fail("an object it already holds elsewhere (or itself)");
    this.#seen.add(o);
    const proto = Object.getPrototypeOf(o);
    const at = this.#at;
    // Own enumerable data is what JSON writes; a plain object's symbol keys, non-enumerable properties and an
    // array's named properties are not looked for (a key list per value costs milliseconds per run).
    if (Array.isArray(o)) {
      if (proto !== Array.prototype) this.#fail("an array of a subclass");
      this.#spend(2 + o.length);
      for (let i = 0; i < o.length; i++) {
        at.push(i);
        if (!(i in o)) this.#fail("a hole (an array with holes)");
        this.#value(o[i]);
        at.pop();
      }
      return;
    }
    if (proto !== Object.prototype) this.#fail(kindOf(o, proto));
    this.#spend(2);
    const rec = o as Record<string, unknown>;
    for (const key in rec) {
      if (!Object.hasOwn(rec, key)) continue;
      this.#spend(key.length + 4);
      at.push(key);
      this.#value(rec[key]);
      at.pop();
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
