/**
 * Errors as plain data, to cross a Worker or process boundary and come back
 * as Errors with the same name, message, stack, `kind` and fields. The
 * prototype is lost; `isWeftError` relies on `kind`, which is kept.
 *
 * @module
 */

/** An error as plain, cloneable data. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly cause?: SerializedError | { readonly value: unknown };
}

const MAX_CAUSE_DEPTH = 8;

/** Turns any thrown value into plain data; a non-Error is kept as `{ value }` when it is simple data. */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) {
    return { name: "Error", message: describeThrown(error), fields: { thrown: simple(error) } };
  }
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key === "cause") continue;
    const v = simple((error as unknown as Record<string, unknown>)[key]);
    if (v !== undefined) fields[key] = v;
  }
  const base = { name: error.name, message: error.message, fields, ...(error.stack ? { stack: error.stack } : {}) };
  if (error.cause === undefined || depth >= MAX_CAUSE_DEPTH) return base;
  return { ...base, cause: error.cause instanceof Error ? serializeError(error.cause, depth + 1) : { value: simple(error.cause) } };
}

/** Rebuilds an Error from {@link serializeError}'s data. A thrown non-Error comes back as that value. */
export function deserializeError(data: SerializedError): unknown {
  if (data.fields.thrown !== undefined && data.name === "Error" && Object.keys(data.fields).length === 1) return data.fields.thrown;
  const error = new Error(data.message);
  Object.defineProperty(error, "name", { value: data.name, configurable: true, writable: true });
  if (data.stack) error.stack = data.stack;
  Object.assign(error, data.fields);
  if (data.cause) error.cause = "value" in data.cause ? data.cause.value : deserializeError(data.cause);
  return error;
}

/** Keeps JSON-like data (and Dates); drops what cannot be cloned. */
function simple(v: unknown): unknown {
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean" || v instanceof Date) return v;
  if (typeof v === "bigint") return v;
  if (Array.isArray(v)) return v.every((x) => typeof x !== "object" && typeof x !== "function") ? v : undefined;
  if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    try {
      return JSON.parse(JSON.stringify(v));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function describeThrown(v: unknown): string {
  if (typeof v === "string") return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
