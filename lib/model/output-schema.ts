/**
 * Output checks: `node(fn, { schema })` validates what the node returns, with
 * an Effect Schema or any Standard Schema validator. The check wraps the
 * spec's function (see {@link afterResult}), so it runs wherever the node
 * runs, a Worker included.
 *
 * @module
 */
import { Schema, type StandardSchema } from "effect";
import { SchemaValidationError, type SchemaIssue } from "../errors.ts";
import { afterResult, isThenable } from "./after-result.ts";
import type { NodeOptions, OutputSchema } from "./node-options.ts";
import type { WarningHandler } from "./warning.ts";

type Validator = StandardSchema.StandardSchemaV1<unknown, unknown>;

const standard = new WeakMap<object, Validator>();

/** The Standard Schema view of `schema` (Effect Schemas are converted once). */
function validatorOf(schema: OutputSchema): Validator {
  if ("~standard" in schema) return schema as Validator;
  let v = standard.get(schema);
  if (v === undefined) {
    v = Schema.toStandardSchemaV1(schema as Schema.ConstraintDecoder<unknown>) as unknown as Validator;
    standard.set(schema, v);
  }
  return v;
}

/** One schema of a node and what its failure does. */
interface SchemaLayer {
  readonly schema: OutputSchema;
  readonly mode: "fail" | "warn";
}

const LAYERS: unique symbol = Symbol("weft.schemaLayers");

/** A schema made of several, checked in turn (inner first), each with its own `onSchemaError`. */
interface LayeredSchema extends Validator {
  readonly [LAYERS]: readonly SchemaLayer[];
}

function layersOf(options: NodeOptions): readonly SchemaLayer[] {
  const schema = options.schema;
  if (schema === undefined) return [];
  if (LAYERS in schema) return (schema as LayeredSchema)[LAYERS];
  return [{ schema, mode: options.onSchemaError ?? "fail" }];
}

/**
 * The schema of `outer` over `inner` when both have one (`node(node(fn, { schema: a }), { schema: b })`, or a
 * schema given to `node()` on a modifier whose nodes have their own): both apply, the inner one first, each with
 * its own `onSchemaError`: an outer schema adds to an inner one, never replaces it. Undefined when the outer
 * options hold no schema of their own.
 */
export function layeredSchema(inner: NodeOptions, outer: NodeOptions): OutputSchema | undefined {
  if (outer.schema === undefined || inner.schema === undefined) return undefined;
  const layers = [...layersOf(inner)];
  for (const layer of layersOf(outer)) if (!layers.some((l) => l.schema === layer.schema)) layers.push(layer);
  if (layers.length === 1) return layers[0]!.schema;
  const validators = layers.map((l) => validatorOf(l.schema));
  const layered: LayeredSchema = {
    [LAYERS]: layers,
    // The Standard Schema view of all layers at once: every layer's issues (for a caller that validates directly).
    "~standard": {
      version: 1,
      vendor: "weft",
      validate: (value: unknown) => {
        const results = validators.map((v) => v["~standard"].validate(value));
        const merge = (rs: readonly StandardSchema.StandardSchemaV1.Result<unknown>[]) => {
          const issues = rs.flatMap((r) => r.issues ?? []);
          return issues.length > 0 ? { issues } : { value };
        };
        return results.some(isThenable) ? Promise.all(results).then(merge) : merge(results as StandardSchema.StandardSchemaV1.Result<unknown>[]);
      },
    },
  };
  return layered;
}

/**
 * `fn` with its output checked against `options.schema` (each layer of a layered one in turn). The node's value
 * is what `fn` returned: the check validates, it does not transform.
 */
export function checkedBySchema(node: string, fn: Function, options: NodeOptions, warn: WarningHandler | undefined): Function {
  const schema = options.schema!;
  if (LAYERS in schema) {
    let checked = fn;
    for (const layer of (schema as LayeredSchema)[LAYERS]) checked = checkedBy(node, checked, layer, warn);
    return checked;
  }
  return checkedBy(node, fn, { schema, mode: options.onSchemaError ?? "fail" }, warn);
}

function checkedBy(node: string, fn: Function, layer: SchemaLayer, warn: WarningHandler | undefined): Function {
  const validator = validatorOf(layer.schema);
  const mode = layer.mode;
  const report = (value: unknown, issues: readonly StandardSchema.StandardSchemaV1.Issue[]): unknown => {
    const error = new SchemaValidationError(node, issues.map(toIssue));
    if (mode === "fail") throw error;
    (warn ?? defaultWarn)({ kind: "schema", node, message: error.message, detail: error.issues });
    return value;
  };
  return afterResult(fn, (value) => {
    const result = validator["~standard"].validate(value);
    if (isThenable(result)) return result.then((r) => (r.issues ? report(value, r.issues) : value));
    return result.issues ? report(value, result.issues) : value;
  });
}

function defaultWarn(w: { readonly message: string }): void {
  console.warn(`weft: ${w.message}`);
}

function toIssue(issue: StandardSchema.StandardSchemaV1.Issue): SchemaIssue {
  const segments = (issue.path ?? []).map((s) => (typeof s === "object" && s !== null ? s.key : s));
  return { path: formatPath(segments), message: issue.message };
}

/** `["regions", 0, "amount"]` -> `regions[0].amount`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (typeof s === "symbol") out += `[${String(s)}]`;
    else out += /^[A-Za-z_$][\w$]*$/.test(s) ? (out === "" ? s : `.${s}`) : `[${JSON.stringify(s)}]`;
  }
  return out;
}
