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

/** A short description of a value's shape, for messages. */
export function describeShape(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `${typeof v} ${JSON.stringify(v)}`;
}
