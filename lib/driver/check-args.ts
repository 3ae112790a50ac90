/**
 * Argument checks of the Driver's public methods: wrong shapes are
 * TypeErrors that say what was expected and what came.
 *
 * @module
 */

type Values = Readonly<Record<string, unknown>>;

/** Throws a TypeError unless `outputs` is an array of names. */
export function checkOutputs(outputs: unknown, method: string): asserts outputs is readonly string[] {
  if (!Array.isArray(outputs) || outputs.some((o) => typeof o !== "string")) {
    throw new TypeError(`${method}() expects an array of node names, got ${describeShape(outputs)}`);
  }
}

/** `values` as an object of name -> value (`{}` when undefined), or a TypeError. */
export function checkValues(values: unknown, option: string): Values {
  if (values === undefined) return {};
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    throw new TypeError(`execute() option "${option}" must be an object of name -> value, got ${describeShape(values)}`);
  }
  return values as Values;
}

/** `options` of a method as an object (`{}` when undefined), or a TypeError: `execute(["a"], 5)`. */
export function checkOptionsObject(options: unknown, method: string): Readonly<Record<string, unknown>> {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`${method}() expects an options object as its second argument, such as { inputs: { day: "2026-11-22" } }, got ${describeShape(options)}`);
  }
  return options as Readonly<Record<string, unknown>>;
}

/**
 * A tag filter of `listAvailableVariables({ tags })`: each value a string, a list of strings, or `null` ("has the tag").
 *
 * @throws {TypeError} naming the filter key whose value is none of those
 */
export function checkTagFilter(filter: unknown): void {
  if (filter === undefined) return;
  if (typeof filter !== "object" || filter === null || Array.isArray(filter)) {
    throw new TypeError(`listAvailableVariables() option "tags" must be an object of tag -> value, got ${describeShape(filter)}`);
  }
  for (const [key, want] of Object.entries(filter)) {
    const ok = want === null || typeof want === "string" || (Array.isArray(want) && want.every((w) => typeof w === "string"));
    if (!ok) throw new TypeError(`listAvailableVariables() tag filter "${key}" must be a string, a list of strings or null (has the tag), got ${describeShape(want)}`);
  }
}

/** A short description of a value's shape, for messages. */
export function describeShape(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `${typeof v} ${JSON.stringify(v)}`;
}
